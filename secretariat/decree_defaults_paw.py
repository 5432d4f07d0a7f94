"""Default legal text of a replacement (penggantian antarwaktu, PAW) decree and of the revoking clause
of a corrected decree. Content, not code: the DecreeTemplate fields take these as defaults and staff edit
them in the admin (Templat SK). Mengingat, Memperhatikan, signer and layout are the main decree's.

Wording follows KPU's own spelling "penggantian antarwaktu" (PKPU 3/2021: "ketentuan penggantian antarwaktu
calon anggota", read in a copy of the jdih.kpu.go.id text at 123dok.com) and, for revocation, the formula
"... dicabut dan dinyatakan tidak berlaku" that issue #13 asks for. No public PAW decree of a Sekretariat
PPS was found to quote: [check] with the legal team, as DOMAIN.md asks.

Placeholders (filled when the decree is issued, shared/DOMAIN.md "How members are chosen and replaced"):
- anywhere: {mulai_tugas}, {akhir_tugas}, {hari_pemungutan}, {periode};
- PAW: {mulai_tugas_pengganti} (the replacements' first day of duty). A line holding any of
  {nama_diganti}, {jabatan}, {kelurahan}, {kecamatan}, {tanggal_berhenti}, {alasan_berhenti},
  {keputusan_awal}, {nama_pengganti}, {nomor_sk_lurah}, {tanggal_sk_lurah} is written once per replacement
  the decree lists;
- revocation: {keputusan_dicabut} (number, year and title of the revoked decree), {tanggal_dicabut},
  {alasan_pencabutan}: the lines are added once per revoked decree.
"""

SCOPE = (
    "Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta Wali Kota dan Wakil Wali Kota "
    "Balikpapan Tahun 2024"
)

TITLE = (
    "PENGGANTIAN ANTARWAKTU SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM PEMILIHAN GUBERNUR DAN WAKIL "
    "GUBERNUR KALIMANTAN TIMUR SERTA WALI KOTA DAN WAKIL WALI KOTA BALIKPAPAN TAHUN 2024"
)

CONSIDERATIONS = [
    f"bahwa Sekretariat Panitia Pemungutan Suara dalam {SCOPE} telah ditetapkan dengan {{keputusan_awal}};",
    "bahwa Saudara {nama_diganti}, {jabatan} Sekretariat Panitia Pemungutan Suara Kelurahan {kelurahan} "
    "Kecamatan {kecamatan}, berhenti terhitung sejak tanggal {tanggal_berhenti} karena {alasan_berhenti}, "
    "sehingga perlu dilakukan penggantian antarwaktu;",
    "bahwa Lurah {kelurahan} dengan Keputusan Lurah Nomor {nomor_sk_lurah} tanggal {tanggal_sk_lurah} "
    "telah menetapkan Saudara {nama_pengganti} sebagai pengganti antarwaktu {jabatan} Sekretariat "
    "Panitia Pemungutan Suara Kelurahan {kelurahan};",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, huruf b, dan huruf c, perlu "
    "menetapkan Keputusan Komisi Pemilihan Umum Kota Balikpapan tentang Penggantian Antarwaktu "
    f"Sekretariat Panitia Pemungutan Suara dalam {SCOPE};",
]

DICTUMS = [
    "Menetapkan nama sebagaimana tercantum dalam Lampiran Keputusan ini sebagai Pengganti Antarwaktu "
    f"Sekretariat Panitia Pemungutan Suara dalam {SCOPE}.",
    "Pengganti Antarwaktu sebagaimana dimaksud dalam Diktum KESATU menggantikan anggota Sekretariat "
    "Panitia Pemungutan Suara yang berhenti sebagaimana tercantum dalam Lampiran Keputusan ini, dan "
    "bertugas membantu Panitia Pemungutan Suara dalam urusan fasilitasi, administrasi, keuangan, "
    "logistik, teknis penyelenggaraan, dan dokumentasi.",
    "Masa kerja Pengganti Antarwaktu sebagaimana dimaksud dalam Diktum KESATU terhitung mulai tanggal "
    "{mulai_tugas_pengganti} sampai dengan tanggal {akhir_tugas}.",
    "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Naskah Perjanjian Hibah "
    f"Daerah (NPHD) {SCOPE}.",
    "Keputusan ini mulai berlaku pada tanggal ditetapkan, dengan ketentuan masa kerja sebagaimana "
    "dimaksud dalam Diktum KETIGA terhitung mulai tanggal {mulai_tugas_pengganti}.",
]

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


# Callables for the model fields' defaults (migrations reference them, not the text).
def title() -> str:
    return TITLE


def considerations() -> str:
    return "\n".join(CONSIDERATIONS)


def dictums() -> str:
    return "\n".join(DICTUMS)


# The Petikan carries no lampiran: its KESATU appoints the person whose row follows.
PETIKAN_DICTUM = (
    "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Pengganti Antarwaktu Sekretariat "
    f"Panitia Pemungutan Suara dalam {SCOPE}:"
)


def petikan_dictum() -> str:
    return PETIKAN_DICTUM


def revocation_consideration() -> str:
    return REVOCATION_CONSIDERATION


def revocation_dictum() -> str:
    return REVOCATION_DICTUM
