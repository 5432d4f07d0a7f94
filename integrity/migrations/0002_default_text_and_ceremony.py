from django.db import migrations

# The text this migration wrote when it was made (version 1: seven paraphrased pledges). Frozen here so a
# fresh database always starts from the same version 1; 0004 then adds the standard KPU text as the next
# version, exactly as it does on a database migrated before.
TITLE = "PAKTA INTEGRITAS"
PREAMBLE = (
    "Dalam rangka mewujudkan penyelenggaraan Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta "
    "Wali Kota dan Wakil Wali Kota Balikpapan Tahun 2024 yang langsung, umum, bebas, rahasia, jujur, dan "
    "adil, saya yang bertanda tangan di bawah ini, selaku anggota Sekretariat Panitia Pemungutan Suara, "
    "dengan ini menyatakan bahwa saya:"
)
PLEDGES = [
    "Akan melaksanakan tugas dengan berpedoman pada asas langsung, umum, bebas, rahasia, jujur, dan adil "
    "secara profesional dan penuh tanggung jawab;",
    "Akan melaksanakan setiap tahapan Pemilihan dengan sungguh-sungguh, cermat, dan transparan sesuai "
    "ketentuan peraturan perundang-undangan;",
    "Akan bersikap adil dan tidak berpihak kepada pasangan calon, partai politik, maupun tim kampanye mana "
    "pun;",
    "Akan memberikan pelayanan yang baik kepada pemilih, termasuk akses terhadap informasi Pemilihan;",
    "Akan berkoordinasi dengan Panitia Pemungutan Suara dan penyelenggara lainnya dengan tetap menjaga "
    "kemandirian;",
    "Akan menolak segala bentuk pemberian, permintaan, maupun kesepakatan yang menyimpang dari "
    "penyelenggaraan Pemilihan yang jujur dan adil;",
    "Bersedia menerima sanksi sesuai ketentuan peraturan perundang-undangan apabila melanggar pakta "
    "integritas ini.",
]
CLOSING = "Demikian pakta integritas ini saya buat dengan sebenar-benarnya tanpa paksaan dari pihak mana pun."

CEREMONY_NAME = "Penandatanganan Pakta Integritas Sekretariat PPS"
CEREMONY_PLACE = "Hotel Novotel Balikpapan"


def add_defaults(apps, schema_editor):
    import datetime as dt

    from secretariat.migration_support import former_defaults, home_office_fields

    PactText = apps.get_model("integrity", "PactText")
    Ceremony = apps.get_model("integrity", "Ceremony")
    if not PactText.objects.exists():
        PactText.objects.create(
            **home_office_fields(apps, PactText),
            version=1, title=TITLE, preamble=PREAMBLE, pledges="\n".join(PLEDGES), closing=CLOSING
        )
    if not Ceremony.objects.exists():
        Ceremony.objects.create(
            name=CEREMONY_NAME,
            date=dt.date(2024, 6, 1),
            place=CEREMONY_PLACE,
            **home_office_fields(apps, Ceremony),
            **former_defaults(Ceremony, {"city": "Balikpapan"}),
        )


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
