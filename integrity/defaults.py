"""Default pact text and ceremony (shared/DOMAIN.md, "Pakta Integritas"). Content, not code: copied once into
the database by a data migration, then edited by staff as new versions.

Where the wording comes from (looked up 1 Dec 2026 in public reports; docs/LEGAL_SOURCES_PACT.md has the
details). KPU's own format of the ad hoc bodies' pact (Keputusan KPU 476/2022 on forming ad hoc bodies and
its amendments) was not found in a public copy that could be read, so the text follows what members read
aloud and signed at their ceremonies, as the press quoted it:
- preamble and the resolve after the identity: PPS of Kabupaten Buru, 26 May 2024 (gemadikatv.com, for the
  2024 Pemilihan, the nearest to ours), PPK of Kota Makassar, 4 Jan 2023 (rakyatsulsel.fajar.co.id, page 3),
  PPS of Rembang, 24 Jan 2023 (hboindo.com): the same sentences in all three;
- pledges 1 to 6: PPK of Kota Makassar (makassar.tribunnews.com, 4 Jan 2023, page 2, numbered 1 to 6),
  matched by Rembang's PPS list; "di tingkat Kecamatan" becomes "di tingkat kelurahan" for a PPS
  secretariat, and the PPK's own pledge to supervise PPS and KPPS is left out (not a PPS secretariat's
  task); spelling follows KBBI ("menyukseskan", "apa pun", "nonpartisan");
- pledges 7 to 9 [check]: their subjects (no KKN and no conflict of interest, confidentiality, sanctions
  under the law and the code of ethics) are those of DOMAIN.md; the reports read end their quotation at
  pledge 6, so the wording here is ours. Pledge 9 takes "sanksi moral, sanksi administrasi, dan dituntut
  sesuai ketentuan peraturan perundang-undangan" from the PPK/PPS pact of Kabupaten Malaka (Pos Kupang,
  7 Mar 2018). Replace 7 to 9 with KPU's format when the office has its copy;
- closing [check]: not in the sources; a customary closing of Indonesian statements.
"""

import datetime as dt

from secretariat.office_wording import BALIKPAPAN_2024, OfficeWording

TITLE = "PAKTA INTEGRITAS"

# Paragraphs, one per line; the identity (name, NIK, NIP, role, kelurahan) follows the last one.
PREAMBLE = "\n".join(
    [
        "Pemilihan adalah titik awal strategis bagi perbaikan kualitas demokrasi. Proses Pemilihan rentan "
        "dengan penyimpangan, godaan, dan memiliki potensi dibajak oleh individu-individu yang tidak "
        "bertanggung jawab. Pada saat bersamaan ada harapan yang besar dari rakyat agar Pemilihan "
        "terselenggara dengan penuh integritas.",
        "Demi masa depan demokrasi, negara, dan bangsa yang lebih baik, saya yang bertanda tangan di bawah "
        "ini:",
    ]
)


# Between the identity and the pledges: the office's own election (secretariat/office_wording.py).
def commitment(w: OfficeWording) -> str:
    return (
        f"dengan ini bertekad untuk bekerja keras menyelenggarakan {w.election}, dan menyatakan janji "
        "kepada rakyat Indonesia selama dalam jabatan saya untuk:"
    )


# KPU Kota Balikpapan's, as its migration wrote it.
COMMITMENT = commitment(BALIKPAPAN_2024)

PLEDGES = [
    "Menyelenggarakan Pemilihan berdasarkan asas langsung, umum, bebas, rahasia, jujur, dan adil secara "
    "profesional, efektif, dan efisien;",
    "Melaksanakan semua tahapan penyelenggaraan Pemilihan di tingkat kelurahan yang telah ditetapkan oleh "
    "KPU, KPU Provinsi, dan KPU Kabupaten/Kota dengan sungguh-sungguh, terbuka, dan penuh tanggung jawab;",
    "Memperlakukan secara adil, imparsial, dan nonpartisan kepada peserta Pemilihan dan para pihak yang "
    "memiliki preferensi politik tertentu tanpa terkecuali;",
    "Membuka akses publik untuk mendapatkan sosialisasi, informasi, dan partisipasi dalam setiap tahapan "
    "Pemilihan;",
    "Berkoordinasi dengan berbagai pihak untuk menyukseskan dan meningkatkan kualitas Pemilihan, dengan "
    "tetap menjunjung tinggi prinsip kemandirian, imparsialitas, nonpartisan, dan adil;",
    "Menolak pemberian, permintaan, dan perjanjian dalam bentuk apa pun, baik langsung maupun tidak "
    "langsung, yang memberi harapan dan menyimpang dari prinsip-prinsip Pemilihan yang jujur dan adil bagi "
    "peserta Pemilihan, calon, serta pihak-pihak yang memiliki preferensi politik tertentu;",
    "Tidak melakukan korupsi, kolusi, dan nepotisme, serta menghindari konflik kepentingan dalam "
    "melaksanakan tugas;",
    "Menjaga kerahasiaan segala hal yang menurut ketentuan peraturan perundang-undangan wajib dirahasiakan;",
    "Bersedia dikenakan sanksi moral, sanksi administrasi, dan dituntut sesuai ketentuan peraturan "
    "perundang-undangan serta kode etik penyelenggara Pemilu apabila melanggar pakta integritas ini.",
]


BODIES = "KPU, KPU Provinsi, dan KPU Kabupaten/Kota"


def pledges(w: OfficeWording) -> list[str]:
    """The pledges, where the office's region has desa saying "di tingkat desa/kelurahan", and in Aceh
    naming its KIP (secretariat/office_names.py): "KPU, KIP Aceh, dan KIP Kabupaten/Kota"."""
    bodies = f"KPU, {w.province_body}, dan {w.regency_bodies}"
    result = [pledge.replace(BODIES, bodies) for pledge in PLEDGES]
    if w.has_desa:
        result = [pledge.replace("di tingkat kelurahan", "di tingkat desa/kelurahan") for pledge in result]
    return result


CLOSING = "Demikian pakta integritas ini saya buat dengan sebenar-benarnya tanpa paksaan dari pihak mana pun."

CEREMONY_NAME = "Penandatanganan Pakta Integritas Sekretariat PPS"
CEREMONY_DATE = dt.date(2024, 6, 1)
CEREMONY_PLACE = "Hotel Novotel Balikpapan"
