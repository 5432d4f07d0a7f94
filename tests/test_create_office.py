"""`create_office` (issue #17, item 2): a KPU office for a loaded region, named from the region, with its own
decree template, pact text and key dates; idempotent; clear errors for a region that is not loaded."""

import io

import pytest
from django.core.management import CommandError, call_command

from integrity.models import PactText
from kelurahan.models import Kelurahan
from secretariat.models import DecreeTemplate, ElectionPeriod, KeyDate, Office, OfficeKind
from secretariat.services.office_texts import decree_template_values

from .factories import office

pytestmark = pytest.mark.django_db

TEMPLATE_TEXT_FIELDS = [
    "issuer",
    "title",
    "considerations",
    "observations",
    "dictums",
    "petikan_dictum",
    "paw_title",
    "paw_considerations",
    "paw_dictums",
    "paw_petikan_dictum",
    "place",
    "signer_title",
    "authenticator_title",
    "letterhead_name",
    "office_short_name",
]


def load(*provinces):
    call_command("load_regions", *provinces, stdout=io.StringIO())


def create_office(code) -> str:
    out = io.StringIO()
    call_command("create_office", code, stdout=out)
    return out.getvalue()


def template_text(template: DecreeTemplate) -> str:
    return "\n".join(getattr(template, field) for field in TEMPLATE_TEXT_FIELDS)


def counts() -> tuple[int, ...]:
    return (
        Office.objects.count(),
        DecreeTemplate.objects.count(),
        PactText.objects.count(),
        KeyDate.objects.count(),
        Office.history.count(),
        DecreeTemplate.history.count(),
    )


def test_it_creates_kpu_kota_samarinda_under_its_provincial_office_with_samarinda_s_own_texts():
    load("64")
    provincial = office("64")
    out = create_office("64.72")

    samarinda = office("64.72")
    assert (samarinda.name, samarinda.short_name, samarinda.city) == (
        "Komisi Pemilihan Umum Kota Samarinda",
        "KPU Kota Samarinda",
        "Samarinda",
    )
    assert samarinda.kind == OfficeKind.REGENCY and samarinda.parent == provincial
    assert "Komisi Pemilihan Umum Kota Samarinda (64.72): dibuat kantor KPU Kota Samarinda" in out
    assert "nama Ketua" in out

    template = DecreeTemplate.active(samarinda)
    assert template.issuer == "KOMISI PEMILIHAN UMUM KOTA SAMARINDA"
    assert template.signer_title == "KETUA KOMISI PEMILIHAN UMUM KOTA SAMARINDA"
    assert template.signer_name == ""  # the office fills it in; issuing is refused until then
    assert template.authenticator_title == "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA SAMARINDA"
    assert (template.place, template.office_short_name) == ("Samarinda", "KPU Kota Samarinda")
    assert template.letterhead_name == "KOMISI PEMILIHAN UMUM\nKOTA SAMARINDA"
    assert template.title == (
        "PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM PEMILIHAN GUBERNUR DAN WAKIL GUBERNUR "
        "KALIMANTAN TIMUR SERTA WALI KOTA DAN WAKIL WALI KOTA SAMARINDA TAHUN 2024"
    )
    assert "bahwa Lurah se-Kota Samarinda telah memilih" in template.considerations
    assert "Keputusan Komisi Pemilihan Umum Kota Samarinda tentang Penetapan" in template.considerations
    assert "Berita Acara Rapat Pleno Komisi Pemilihan Umum Kota Samarinda Nomor" in template.observations
    assert template.legal_basis == DecreeTemplate.active(office()).legal_basis  # the nation's laws
    assert "Balikpapan" not in template_text(template).title()

    text = PactText.current(samarinda)
    assert text.version == 1
    assert "Wali Kota dan Wakil Wali Kota Samarinda Tahun 2024" in text.commitment
    assert "Balikpapan" not in text.commitment + text.preamble + text.pledges

    period = ElectionPeriod.current()
    dates = {d.title: d.start for d in KeyDate.objects.filter(office=samarinda, period=period)}
    assert dates == {
        "Pelantikan PPS": period.term_start,
        "Hari pemungutan suara": period.vote_date,
        "Akhir masa kerja Sekretariat PPS": period.term_end,
    }


def test_a_second_run_changes_nothing_and_says_so():
    load("64")
    create_office("64.72")
    template = DecreeTemplate.active(office("64.72"))
    template.signer_name = "ANDI SAMARINDA"  # the office's own edit
    template.save()
    before = counts()

    out = create_office("64.72")

    assert "Komisi Pemilihan Umum Kota Samarinda (64.72) sudah ada; tidak ada yang diubah." in out
    assert counts() == before
    assert DecreeTemplate.active(office("64.72")).signer_name == "ANDI SAMARINDA"


def test_a_kabupaten_with_desa_names_its_bupati_and_the_kepala_desa():
    load("64")
    create_office("64.02")
    kukar = office("64.02")
    assert kukar.name == "Komisi Pemilihan Umum Kabupaten Kutai Kartanegara"
    template = DecreeTemplate.active(kukar)
    assert template.title.endswith(
        "KALIMANTAN TIMUR SERTA BUPATI DAN WAKIL BUPATI KUTAI KARTANEGARA TAHUN 2024"
    )
    assert (
        "bahwa Lurah dan Kepala Desa se-Kabupaten Kutai Kartanegara telah memilih dan menetapkan "
        "Sekretaris dan Staf Sekretariat Panitia Pemungutan Suara dengan Keputusan Lurah dan Keputusan "
        "Kepala Desa atas usul" in template.considerations
    )
    assert "Keputusan Lurah dan Keputusan Kepala Desa se-Kabupaten Kutai Kartanegara" in template.observations
    # A replacement's basis is named by its own desa/kelurahan when the decree is issued.
    assert "{kepala_desa_kelurahan} {kelurahan} dengan Keputusan {kepala_desa_kelurahan}" in (
        template.paw_considerations
    )
    assert Kelurahan.objects.filter(kecamatan__regency_id="64.02", code__regex=r"\.2[0-9]{3}$").exists()
    pledges = PactText.current(kukar).pledges
    assert "di tingkat desa/kelurahan yang telah ditetapkan" in pledges
    assert "Bupati dan Wakil Bupati Kutai Kartanegara Tahun 2024" in PactText.current(kukar).commitment


def test_a_province_code_creates_only_the_provincial_office():
    load("65")
    out = create_office("65")
    kaltara = office("65")
    assert (kaltara.kind, kaltara.name, kaltara.city) == (
        OfficeKind.PROVINCE,
        "Komisi Pemilihan Umum Provinsi Kalimantan Utara",
        "Tanjung Selor",
    )
    assert "dibuat kantor KPU Provinsi Kalimantan Utara" in out
    assert not DecreeTemplate.objects.filter(office=kaltara).exists()
    assert not Office.objects.filter(parent=kaltara).exists()

    create_office("65.01")  # then one of its kabupaten, under it
    assert office("65.01").parent == kaltara


def test_a_kabupaten_kota_of_a_new_province_creates_its_kpu_provinsi_too():
    load("65")
    create_office("65.71")
    assert office("65.71").name == "Komisi Pemilihan Umum Kota Tarakan"
    assert office("65.71").parent == office("65")
    assert office("65").name == "Komisi Pemilihan Umum Provinsi Kalimantan Utara"


@pytest.mark.parametrize(
    "code, message",
    [
        ("64.72", "Wilayah 64.72 belum dimuat atau tidak dikenal. Muat dulu wilayah provinsinya: "
         "python manage.py load_regions 64"),
        ("65", "Wilayah 65 belum dimuat atau tidak dikenal. Muat dulu wilayah provinsinya: "
         "python manage.py load_regions 65"),
        ("64.99", "Wilayah 64.99 belum dimuat"),
        ("samarinda", "Kode “samarinda” bukan kode provinsi (mis. 64) atau kabupaten/kota (mis. 64.72)"),
    ],
)  # fmt: skip
def test_an_unknown_or_unloaded_region_is_refused_and_nothing_is_created(code, message):
    before = counts()
    with pytest.raises(CommandError) as raised:
        create_office(code)
    assert message in str(raised.value)
    assert counts() == before


def test_the_office_derived_defaults_of_balikpapan_are_its_stored_template_word_for_word():
    # Existing data is not rewritten, and the functions that replaced the Balikpapan constants give
    # Balikpapan exactly what its migrations stored.
    balikpapan = office()
    stored = DecreeTemplate.active(balikpapan)
    derived = decree_template_values(balikpapan)
    for field in [f for f in TEMPLATE_TEXT_FIELDS if f not in ("place", "letterhead_name")]:
        assert derived[field] == getattr(stored, field), field
    assert derived["place"] == stored.place == "Balikpapan"
    assert derived["letterhead_name"] == stored.letterhead_name


def test_a_template_without_an_office_s_values_does_not_print_balikpapan():
    # No field defaults to an office's words any more: an unsaved template is empty where it names one.
    blank = DecreeTemplate()
    for field in TEMPLATE_TEXT_FIELDS:
        assert "BALIKPAPAN" not in (getattr(blank, field) or "").upper(), field


@pytest.mark.parametrize(
    "province, code, election",
    [
        ("34", "34.71", "PEMILIHAN WALI KOTA DAN WAKIL WALI KOTA YOGYAKARTA TAHUN 2024"),
        ("31", "31.71", "PEMILIHAN GUBERNUR DAN WAKIL GUBERNUR DAERAH KHUSUS IBUKOTA JAKARTA TAHUN 2024"),
    ],
)
def test_where_only_one_of_the_two_heads_was_elected_the_text_names_only_that_election(
    province, code, election
):
    load(province)
    create_office(code)
    assert DecreeTemplate.active(office(code)).title.endswith(f"DALAM {election}")
