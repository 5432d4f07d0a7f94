"""Default legal text of a replacement (penggantian antarwaktu, PAW) decree and of the revoking clause
of a corrected decree. Content, not code: the DecreeTemplate fields take these as defaults and staff edit
them in the admin (Templat SK). Mengingat, signer and layout are the main decree's.

Wording follows KPU's own spelling "penggantian antarwaktu" (PKPU 3/2021: "ketentuan penggantian antarwaktu
calon anggota", read in a copy of the jdih.kpu.go.id text at 123dok.com) and, for revocation, the formula
"... dicabut dan dinyatakan tidak berlaku" that issue #13 asks for. No public PAW decree of a Sekretariat
PPS was found to quote: [check] with the legal team, as DOMAIN.md asks.

Placeholders (filled when the decree is issued, shared/DOMAIN.md "How members are chosen and replaced"):
- anywhere: {mulai_tugas}, {akhir_tugas}, {hari_pemungutan}, {periode};
- PAW: {mulai_tugas_pengganti} (the replacements' first day of duty). A line holding any of
  {nama_diganti}, {jabatan}, {kelurahan}, {kecamatan}, {tanggal_berhenti}, {alasan_berhenti},
  {keputusan_awal}, {nama_pengganti}, {nomor_sk_lurah}, {tanggal_sk_lurah}, {desa_kelurahan} ("Desa Loa
  Ipuh", "Kelurahan Manggar"), {kepala_desa_kelurahan} ("Kepala Desa", "Lurah") is written once per
  replacement the decree lists;
- revocation: {keputusan_dicabut} (number, year and title of the revoked decree), {tanggal_dicabut},
  {alasan_pencabutan}: the lines are added once per revoked decree.
"""

from .decree_defaults import OBSERVATION_476, funding_dictum
from .office_wording import BALIKPAPAN_2024, OfficeWording


def paw_title(w: OfficeWording) -> str:
    return f"PENGGANTIAN ANTARWAKTU SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM {w.election.upper()}"


def paw_considerations(w: OfficeWording) -> list[str]:
    # {tanggal_berhenti} is the member's last day on duty (the admin's "tanggal berhenti"), and b. says so:
    # "berhenti terhitung sejak" that date read as if the member no longer served on it.
    # Where the region has desa, the replacement's basis is named by its own kind: {desa_kelurahan} is
    # "Kelurahan Manggar" or "Desa Loa Ipuh", {kepala_desa_kelurahan} "Lurah" or "Kepala Desa". A region of
    # kelurahan only keeps the words Balikpapan's template has always had.
    if not w.has_desa:
        village, head = "Kelurahan {kelurahan}", "Lurah"
    else:
        village, head = "{desa_kelurahan}", "{kepala_desa_kelurahan}"
    return [
        f"bahwa Sekretariat Panitia Pemungutan Suara dalam {w.election} telah ditetapkan dengan "
        "{keputusan_awal};",
        f"bahwa Saudara {{nama_diganti}}, {{jabatan}} Sekretariat Panitia Pemungutan Suara {village} "
        "Kecamatan {kecamatan}, berhenti karena {alasan_berhenti} dengan hari terakhir bertugas tanggal "
        "{tanggal_berhenti}, sehingga perlu dilakukan penggantian antarwaktu;",
        f"bahwa {head} {{kelurahan}} dengan Keputusan {head} Nomor {{nomor_sk_lurah}} tanggal "
        "{tanggal_sk_lurah} telah menetapkan Saudara {nama_pengganti} sebagai pengganti antarwaktu {jabatan} "
        f"Sekretariat Panitia Pemungutan Suara {village};",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, huruf b, dan huruf c, perlu "
        f"menetapkan Keputusan {w.office_name} tentang Penggantian Antarwaktu Sekretariat Panitia "
        f"Pemungutan Suara dalam {w.election};",
    ]


def paw_observations(w: OfficeWording) -> list[str]:
    """The main decree's Memperhatikan names the Lurah decrees of every appointment and the plenary that
    decided the secretariat; a replacement rests on one new Lurah decree (cited in Menimbang c., once per
    replacement) and on the plenary that decided the replacement: [check] the wording with the legal team."""
    return [
        OBSERVATION_476,
        f"Berita Acara Rapat Pleno {w.office_name} Nomor {{ba_pleno_nomor}} tanggal {{ba_pleno_tanggal}} "
        "tentang Penggantian Antarwaktu Sekretariat Panitia Pemungutan Suara.",
    ]


def paw_dictums(w: OfficeWording) -> list[str]:
    return [
        "Menetapkan nama sebagaimana tercantum dalam Lampiran Keputusan ini sebagai Pengganti Antarwaktu "
        f"Sekretariat Panitia Pemungutan Suara dalam {w.election}.",
        "Pengganti Antarwaktu sebagaimana dimaksud dalam Diktum KESATU menggantikan anggota Sekretariat "
        "Panitia Pemungutan Suara yang berhenti sebagaimana tercantum dalam Lampiran Keputusan ini, dan "
        "bertugas membantu Panitia Pemungutan Suara dalam urusan fasilitasi, administrasi, keuangan, "
        "logistik, teknis penyelenggaraan, dan dokumentasi.",
        "Masa kerja Pengganti Antarwaktu sebagaimana dimaksud dalam Diktum KESATU terhitung mulai tanggal "
        "{mulai_tugas_pengganti} sampai dengan tanggal {akhir_tugas}.",
        funding_dictum(w),
        "Keputusan ini mulai berlaku pada tanggal ditetapkan, dengan ketentuan masa kerja sebagaimana "
        "dimaksud dalam Diktum KETIGA terhitung mulai tanggal {mulai_tugas_pengganti}.",
    ]


# The Petikan carries no lampiran: its KESATU appoints the person whose row follows.
def paw_petikan_dictum(w: OfficeWording) -> str:
    return (
        "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Pengganti Antarwaktu anggota "
        f"Sekretariat Panitia Pemungutan Suara dalam {w.election}:"
    )


REVOCATION_CONSIDERATION = (
    "bahwa dalam {keputusan_dicabut} terdapat kekeliruan, yaitu {alasan_pencabutan}, sehingga Keputusan "
    "tersebut perlu dicabut dan diganti;"
)

REVOCATION_DICTUM = (
    "Dengan berlakunya Keputusan ini, {keputusan_dicabut} dicabut dan dinyatakan tidak berlaku."
)

# Why a member stopped, as the clause "berhenti ... karena ..." reads (EndReason values).
END_REASON_CLAUSES = {
    "meninggal": "meninggal dunia",
    "berhalangan_tetap": "berhalangan tetap",
    "evaluasi": "hasil evaluasi",
    "mengundurkan_diri": "mengundurkan diri",
    "masa_kerja_berakhir": "masa kerjanya berakhir",
}


# KPU Kota Balikpapan's text, as migrations 0017 and 0019 gave its template (they name these callables as
# the fields' defaults of their time; no field has a default naming an office any more).
def title() -> str:
    return paw_title(BALIKPAPAN_2024)


def considerations() -> str:
    return "\n".join(paw_considerations(BALIKPAPAN_2024))


def dictums() -> str:
    return "\n".join(paw_dictums(BALIKPAPAN_2024))


def petikan_dictum() -> str:
    return paw_petikan_dictum(BALIKPAPAN_2024)


def revocation_consideration() -> str:
    return REVOCATION_CONSIDERATION


def revocation_dictum() -> str:
    return REVOCATION_DICTUM
