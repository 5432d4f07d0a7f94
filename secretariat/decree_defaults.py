"""Default legal text of the SK appointing the Sekretariat PPS (shared/DOMAIN.md, "The documents").

This is content, not code: an office's template gets it once (migration 0004 for KPU Kota Balikpapan,
`create_office` for any other office, secretariat/services/office_texts.py), and from then on staff edit it
in the admin. The parts that name the office, its region and its election are functions of the office's
words (secretariat/office_wording.py); the laws it cites are the nation's, the same for every office.
Every reference below was looked up in a public copy; where it is named, and what could not be confirmed,
is in docs/LEGAL_SOURCES.md. A promulgation number that could not be confirmed is printed as a
dotted blank (....), never guessed: the SK issue page warns about every dotted blank, so staff fill it in
from their own JDIH copy before printing.

Placeholders (filled when a decree is issued, services/decrees.py): {mulai_tugas}, {akhir_tugas},
{hari_pemungutan}, {periode} (from the election period), {ba_pleno_nomor}, {ba_pleno_tanggal} (from the
template's "Berita Acara Rapat Pleno" fields).
"""

from .office_wording import BALIKPAPAN_2024, OfficeWording


def title(w: OfficeWording) -> str:
    return f"PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM {w.election.upper()}"


def considerations(w: OfficeWording) -> list[str]:
    return [
        "bahwa untuk mendukung kelancaran pelaksanaan tugas, wewenang, dan kewajiban Panitia Pemungutan "
        f"Suara dalam {w.election}, perlu dibentuk Sekretariat Panitia Pemungutan Suara;",
        f"bahwa {w.village_heads} se-{w.region} telah memilih dan menetapkan Sekretaris dan Staf Sekretariat "
        f"Panitia Pemungutan Suara dengan {w.village_decrees} atas usul Panitia Pemungutan Suara;",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
        f"Keputusan {w.office_name} tentang Penetapan Sekretariat Panitia Pemungutan Suara dalam "
        f"{w.election};",
    ]


LEGAL_BASIS = [
    # UU 1/2015: LN 2015/23, TLN 5656; UU 6/2020 (its title, LN 2020/193, TLN 6547): KPU's "Buku Panduan
    # KPPS Pemilihan Serentak 2020", Dasar Hukum no. 1 (fliphtml5.com/rlqsf/hauj). "Walikota" as in the
    # title of UU 1/2015 quoted by UU 8/2015 (jdih.dpr.go.id, UU 8/2015 metadata; infoperaturan.id).
    "Undang-Undang Nomor 1 Tahun 2015 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang "
    "Nomor 1 Tahun 2014 tentang Pemilihan Gubernur, Bupati, dan Walikota menjadi Undang-Undang "
    "(Lembaran Negara Republik Indonesia Tahun 2015 Nomor 23, Tambahan Lembaran Negara Republik "
    "Indonesia Nomor 5656) sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 6 "
    "Tahun 2020 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 Tahun 2020 "
    "tentang Perubahan Ketiga atas Undang-Undang Nomor 1 Tahun 2015 tentang Penetapan Peraturan "
    "Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2014 tentang Pemilihan Gubernur, Bupati, dan "
    "Walikota menjadi Undang-Undang menjadi Undang-Undang (Lembaran Negara Republik Indonesia Tahun 2020 "
    "Nomor 193, Tambahan Lembaran Negara Republik Indonesia Nomor 6547);",
    # UU 7/2017: LN 2017/182, TLN 6109 (Mengingat of Perppu 1/2022, basishukum.com/perpu/1/2022; KPU Kab.
    # Flores Timur decree). UU 7/2023's title as KPU writes it in Keputusan KPU 767/2024, Menimbang a
    # (peraturanpedia.com), also inforegulasi.com. Its LN/TLN numbers were found in no stored copy: [check].
    "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik Indonesia Tahun "
    "2017 Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor 6109) sebagaimana telah diubah "
    "dengan Undang-Undang Nomor 7 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti "
    "Undang-Undang Nomor 1 Tahun 2022 tentang Perubahan atas Undang-Undang Nomor 7 Tahun 2017 tentang "
    "Pemilihan Umum menjadi Undang-Undang (Lembaran Negara Republik Indonesia Tahun 2023 Nomor ...., "
    "Tambahan Lembaran Negara Republik Indonesia Nomor ....);",
    # PKPU 8/2019 (BN 2019/320): KPU Kab. Flores Timur decree. Its last amendment is PKPU 12/2023, the fifth
    # (BN 2023/377, jdih.kpu.go.id/gorontalo/gorut detailpkpu), not PKPU 5/2022 (the fourth) as DOMAIN.md
    # had it. Whether a sixth came before June 2024: [check].
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019 tentang Tata Kerja Komisi Pemilihan Umum, Komisi "
    "Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota (Berita Negara Republik Indonesia "
    "Tahun 2019 Nomor 320) sebagaimana telah beberapa kali diubah terakhir dengan Peraturan Komisi "
    "Pemilihan Umum Nomor 12 Tahun 2023 tentang Perubahan Kelima atas Peraturan Komisi Pemilihan Umum "
    "Nomor 8 Tahun 2019 tentang Tata Kerja Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan "
    "Komisi Pemilihan Umum Kabupaten/Kota (Berita Negara Republik Indonesia Tahun 2023 Nomor 377);",
    # Title and BN 2022/1116 as KPU itself cites them in Mengingat 4 of Keputusan KPU Nomor 42 Tahun 2023
    # (jdih.kpu.go.id copy on id.scribd.com/document/668290368). Amended before June 2024? [check]
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2022 tentang Pembentukan dan Tata Kerja Badan Adhoc "
    "Penyelenggara Pemilihan Umum dan Pemilihan Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, "
    "dan Walikota dan Wakil Walikota (Berita Negara Republik Indonesia Tahun 2022 Nomor 1116);",
    # Title: bbcindonesia.biz (quoting kpu.go.id), set 26 January 2024 (rbtv.disway.id). BN number: [check].
    # Not in the default, [check] whether the office cites it (as KPU cites it in Keputusan KPU 42/2023):
    # "Peraturan Komisi Pemilihan Umum Nomor 2 Tahun 2021 tentang Tata Naskah Dinas Komisi Pemilihan Umum,
    # Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota (Berita Negara Republik
    # Indonesia Tahun 2021 Nomor 784) sebagaimana telah diubah dengan Peraturan Komisi Pemilihan Umum Nomor 8
    # Tahun 2021 tentang Perubahan atas Peraturan Komisi Pemilihan Umum Nomor 2 Tahun 2021 tentang Tata Naskah
    # Dinas Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota
    # (Berita Negara Republik Indonesia Tahun 2021 Nomor 1505);"
    "Peraturan Komisi Pemilihan Umum Nomor 2 Tahun 2024 tentang Tahapan dan Jadwal Pemilihan Gubernur "
    "dan Wakil Gubernur, Bupati dan Wakil Bupati, serta Walikota dan Wakil Walikota Tahun 2024 (Berita "
    "Negara Republik Indonesia Tahun 2024 Nomor ....);",
]

# Aceh's offices (KIP, secretariat/office_names.py) first cite the law that makes them: UU 11/2006, Bab IX
# Pasal 56 (KIP Aceh and KIP kabupaten/kota, id.wikisource.org, UU Nomor 11 Tahun 2006.pdf page 44). Title,
# LN 2006/62 and TLN 4633 as Qanun Aceh 9/2013 cites it in its Mengingat 3 (id.scribd.com/doc/269623538) and
# KIP Aceh's own decree form in its Mengingat 2 (id.scribd.com/document/321481036); also Peraturan Walikota
# Banda Aceh 58/2021, Mengingat 2 (id.scribd.com/document/669204204). It comes first: the oldest law.
LAW_OF_ACEH = (
    "Undang-Undang Nomor 11 Tahun 2006 tentang Pemerintahan Aceh (Lembaran Negara Republik Indonesia Tahun "
    "2006 Nomor 62, Tambahan Lembaran Negara Republik Indonesia Nomor 4633);"
)


def legal_basis(w: OfficeWording) -> list[str]:
    """The Mengingat: the nation's laws, and in Aceh the law on the Government of Aceh before them."""
    return [LAW_OF_ACEH, *LEGAL_BASIS] if w.is_aceh else list(LEGAL_BASIS)


# 476/2022's title and its five amendments (534/2022, 67/2023, 1669/2023, 475/2024, 638/2024 of
# 31 May 2024 "Perubahan Kelima"): paralegal.id, page of Keputusan KPU Nomor 638 Tahun 2024.
OBSERVATION_476 = (
    "Keputusan Komisi Pemilihan Umum Nomor 476 Tahun 2022 tentang Pedoman Teknis Pembentukan Badan Adhoc "
    "Penyelenggara Pemilihan Umum dan Pemilihan Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, dan "
    "Walikota dan Wakil Walikota sebagaimana telah beberapa kali diubah terakhir dengan Keputusan Komisi "
    "Pemilihan Umum Nomor 638 Tahun 2024 tentang Perubahan Kelima atas Keputusan Komisi Pemilihan Umum "
    "Nomor 476 Tahun 2022 tentang Pedoman Teknis Pembentukan Badan Adhoc Penyelenggara Pemilihan Umum dan "
    "Pemilihan Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, dan Walikota dan Wakil Walikota;"
)


def observations(w: OfficeWording) -> list[str]:
    return [
        OBSERVATION_476,
        f"{w.village_decrees} se-{w.region} tentang Penetapan Sekretaris dan Staf Sekretariat Panitia "
        "Pemungutan Suara;",
        # Number and date come from the template's Berita Acara fields; empty, they print as dotted blanks
        # and the issue page warns.
        f"Berita Acara Rapat Pleno {w.office_name} Nomor {{ba_pleno_nomor}} tanggal {{ba_pleno_tanggal}} "
        "tentang Penetapan Sekretariat Panitia Pemungutan Suara.",
    ]


def dictums(w: OfficeWording) -> list[str]:
    return [
        "Menetapkan nama-nama sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan "
        f"dari Keputusan ini sebagai Sekretariat Panitia Pemungutan Suara dalam {w.election}.",
        "Sekretariat Panitia Pemungutan Suara sebagaimana dimaksud dalam Diktum KESATU bertugas membantu "
        "Panitia Pemungutan Suara dalam urusan fasilitasi, administrasi, keuangan, logistik, teknis "
        "penyelenggaraan, dan dokumentasi.",
        "Masa kerja Sekretariat Panitia Pemungutan Suara sebagaimana dimaksud dalam Diktum KESATU terhitung "
        "mulai tanggal {mulai_tugas} sampai dengan tanggal {akhir_tugas}.",
        funding_dictum(w),
        # Set on 1 June, the term counts from 26 May: the entry into force says so, or it contradicts KETIGA.
        "Keputusan ini mulai berlaku pada tanggal ditetapkan dengan ketentuan masa kerja sebagaimana "
        "dimaksud dalam Diktum KETIGA terhitung mulai tanggal {mulai_tugas}.",
    ]


def funding_dictum(w: OfficeWording) -> str:
    """The costs are charged to the budget, the grant from the regional budget (hibah APBD) agreed in an
    NPHD, which funds Pilkada (DOMAIN.md "Money"); the replacement decree's KEEMPAT says the same. The
    office's own wording: [check]; staff edit it in the template."""
    return (
        "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada anggaran hibah Anggaran "
        "Pendapatan dan Belanja Daerah sebagaimana tertuang dalam Naskah Perjanjian Hibah Daerah (NPHD) "
        f"{w.election}."
    )


# The Petikan carries no lampiran, so its KESATU appoints the person whose data follow it: one person is a
# member of the secretariat (anggota), where the Keputusan appoints the names of its lampiran as the
# secretariat itself.
def petikan_dictum(w: OfficeWording) -> str:
    return (
        "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai anggota Sekretariat Panitia "
        f"Pemungutan Suara dalam {w.election}:"
    )


# KPU Kota Balikpapan's text as its migrations wrote it (migration 0004 reads these names; 0015 froze them).
TITLE = title(BALIKPAPAN_2024)
CONSIDERATIONS = considerations(BALIKPAPAN_2024)
OBSERVATIONS = observations(BALIKPAPAN_2024)
DICTUMS = dictums(BALIKPAPAN_2024)
