"""What an office is called: the one naming rule for KPU offices (create_office, the default texts, the
letterhead, the signer's lines).

- Everywhere but Aceh: "Komisi Pemilihan Umum Kota Samarinda" ("KPU Kota Samarinda") under "Komisi Pemilihan
  Umum Provinsi Kalimantan Timur" ("KPU Provinsi Kalimantan Timur").
- Aceh (province 11): the KPU of Aceh and of its kabupaten/kota are the Komisi Independen Pemilihan, KIP
  (UU 11/2006 tentang Pemerintahan Aceh, Bab IX "Penyelenggara Pemilihan", Pasal 56: "KIP Aceh" and "KIP
  kabupaten/kota", id.wikisource.org/wiki/Halaman:UU_Nomor_11_Tahun_2006.pdf/44; UU 7/2017 Pasal 557: KIP
  Aceh and KIP kabupaten/kota are one hierarchy with KPU, as rm.id 2019 quotes it). The provincial body is
  "Komisi Independen Pemilihan Aceh" / "KIP Aceh" (no "Provinsi": its own decree form, "KEPUTUSAN KOMISI
  INDEPENDEN PEMILIHAN ACEH", id.scribd.com/document/321481036); a kabupaten/kota's is "Komisi Independen
  Pemilihan Kabupaten Aceh Utara" (its Ketua's letter to the Constitutional Court, 2017, docplayer.info
  47635063), short "KIP Kabupaten Aceh Besar" (aceh.antaranews.com/berita/346434).
- Jakarta (province 31): the region list names the kota/kabupaten "Kota Administrasi Jakarta Pusat",
  "Kabupaten Administrasi Kepulauan Seribu", and the legal text keeps that name; KPU's offices drop
  "Administrasi": "KPU Kota Jakarta Barat" (jakartabarat.kpu.go.id, next to "Bawaslu Kota Administrasi
  Jakarta Barat"), "KPU Kabupaten Kepulauan Seribu" (kab-kepulauanseribu.kpu.go.id, which also writes
  "KPU Kabupaten Administrasi Kepulauan Seribu": [check] with the office).
"""

from dataclasses import dataclass

from kelurahan import codes

KPU = ("Komisi Pemilihan Umum", "KPU")
KIP = ("Komisi Independen Pemilihan", "KIP")
INSTITUTIONS = (KPU, KIP)  # every institution an office's name may start with
ACEH = codes.ACEH
JAKARTA = "31"
ADMINISTRATIVE = "Administrasi "  # Jakarta's regions: "Administrasi Jakarta Pusat" in the region list


@dataclass(frozen=True)
class OfficeName:
    name: str  # "Komisi Independen Pemilihan Kota Banda Aceh"
    short_name: str  # "KIP Kota Banda Aceh"


def institution(province_code: str) -> tuple[str, str]:
    """("Komisi Pemilihan Umum", "KPU"), or in Aceh ("Komisi Independen Pemilihan", "KIP")."""
    return KIP if province_code == ACEH else KPU


def office_place_name(regency_name: str, province_code: str) -> str:
    """The region's name as its office's name carries it: "Jakarta Pusat" for "Administrasi Jakarta Pusat"."""
    if province_code == JAKARTA:
        return regency_name.removeprefix(ADMINISTRATIVE)
    return regency_name


def regency_office_name(*, code: str, name: str) -> OfficeName:
    """The office of kabupaten/kota `code` named `name` (the region list's name, without Kabupaten/Kota)."""
    province_code = code[:2]
    full, short = institution(province_code)
    region = f"{codes.regency_kind(code).title()} {office_place_name(name, province_code)}"
    return OfficeName(f"{full} {region}", f"{short} {region}")


def province_office_name(*, code: str, name: str) -> OfficeName:
    """ "Komisi Pemilihan Umum Provinsi Kalimantan Timur"; in Aceh "Komisi Independen Pemilihan Aceh"."""
    full, short = institution(code)
    region = name if code == ACEH else f"Provinsi {name}"
    return OfficeName(f"{full} {region}", f"{short} {region}")


def regency_bodies(province_code: str) -> str:
    """The kabupaten/kota bodies of a province, as a text names them all: "KPU Kabupaten/Kota"."""
    return f"{institution(province_code)[1]} Kabupaten/Kota"


def province_body(province_code: str) -> str:
    """The provincial body, as a text names it in general: "KPU Provinsi"; in Aceh "KIP Aceh"."""
    return "KIP Aceh" if province_code == ACEH else "KPU Provinsi"


def letterhead_lines(office_name: str) -> list[str]:
    """ "KOMISI INDEPENDEN PEMILIHAN" / "KOTA BANDA ACEH": the institution, then the rest of the name."""
    name = " ".join(office_name.split())
    for full, _ in INSTITUTIONS:
        if name.lower().startswith(full.lower() + " "):
            return [full.upper(), name[len(full) :].strip().upper()]
    return [name.upper()]
