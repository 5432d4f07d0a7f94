"""How an office's documents name it, its region and its election: the words the default legal texts are
built from (decree_defaults.py, decree_defaults_paw.py, integrity/defaults.py), so that no office's default
text names another office's region.

Pilkada serentak 2024 elected, in one vote, the governor of the province and the bupati (in a kabupaten) or
the wali kota (in a kota) of the kabupaten/kota: "Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur
serta Wali Kota dan Wakil Wali Kota Balikpapan Tahun 2024", "... serta Bupati dan Wakil Bupati Kutai
Kartanegara Tahun 2024" (the titles KPU's own decrees give these elections; PKPU 2/2024 names the three
kinds "Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, serta Walikota dan Wakil Walikota").

Not every region elected both in 2024: 37 provinces, 415 kabupaten and 93 kota (KPU's count for PKPU 2/2024,
bloombergtechnoz.com, 2024): Daerah Istimewa Yogyakarta elects no governor (its Sultan is governor), and the
six administrative kota/kabupaten of Jakarta elect no head of their own. [check] with the office.
"""

from dataclasses import dataclass

from kelurahan import codes

from . import office_names

REGIONAL_HEADS = {
    codes.KABUPATEN: "Bupati dan Wakil Bupati",
    codes.KOTA: "Wali Kota dan Wakil Wali Kota",
}
NO_GOVERNOR_ELECTION = {"34"}  # Daerah Istimewa Yogyakarta
NO_REGENT_ELECTION = {"31"}  # Jakarta: kota/kabupaten administrasi


@dataclass(frozen=True)
class OfficeWording:
    office_name: str  # "Komisi Pemilihan Umum Kota Samarinda", as the office's record spells it
    region_name: str  # "Samarinda"
    regency_kind: str  # codes.KABUPATEN or codes.KOTA
    province_name: str  # "Kalimantan Timur"
    village_kinds: tuple[str, ...] = (codes.KELURAHAN,)  # the kinds of desa/kelurahan in the region
    year: int = 2024
    province_code: str = ""

    @property
    def region(self) -> str:
        """ "Kota Samarinda", "Kabupaten Kutai Kartanegara"."""
        return f"{self.regency_kind.title()} {self.region_name}"

    @property
    def election(self) -> str:
        governor = f"Gubernur dan Wakil Gubernur {self.province_name}"
        regent = f"{REGIONAL_HEADS[self.regency_kind]} {self.region_name}"
        if self.province_code in NO_REGENT_ELECTION:
            return f"Pemilihan {governor} Tahun {self.year}"
        if self.province_code in NO_GOVERNOR_ELECTION:
            return f"Pemilihan {regent} Tahun {self.year}"
        return f"Pemilihan {governor} serta {regent} Tahun {self.year}"

    @property
    def has_desa(self) -> bool:
        return any(kind != codes.KELURAHAN for kind in self.village_kinds)

    @property
    def village_heads(self) -> str:
        """ "Lurah", "Kepala Desa", "Lurah dan Kepala Desa": who issued the members' basis decrees."""
        return " dan ".join(self._head(kind) for kind in self._kinds())

    @property
    def village_decrees(self) -> str:
        """ "Keputusan Lurah", "Keputusan Lurah dan Keputusan Kepala Desa"."""
        return " dan ".join(f"Keputusan {self._head(kind)}" for kind in self._kinds())

    @property
    def is_aceh(self) -> bool:
        """Aceh's offices are KIP and cite UU 11/2006 tentang Pemerintahan Aceh (office_names.py)."""
        return self.province_code == codes.ACEH

    @property
    def province_body(self) -> str:
        """ "KPU Provinsi"; in Aceh "KIP Aceh"."""
        return office_names.province_body(self.province_code)

    @property
    def regency_bodies(self) -> str:
        """ "KPU Kabupaten/Kota"; in Aceh "KIP Kabupaten/Kota"."""
        return office_names.regency_bodies(self.province_code)

    def _head(self, kind: str) -> str:
        # Who appointed the secretariat members first (DOMAIN.md: the Lurah; in a desa the Kepala Desa,
        # in a gampong of Aceh the Keuchik): kelurahan/codes.py.
        return codes.village_head(kind, self.province_code)

    def _kinds(self) -> list[str]:
        order = [codes.KELURAHAN, codes.DESA, codes.DESA_ADAT]
        return [kind for kind in order if kind in self.village_kinds] or [codes.KELURAHAN]


# The words of KPU Kota Balikpapan's own template as the migrations wrote it (decree_defaults.TITLE, ...):
# tests check that the office-derived defaults reproduce it word for word.
BALIKPAPAN_2024 = OfficeWording(
    office_name="Komisi Pemilihan Umum Kota Balikpapan",
    region_name="Balikpapan",
    regency_kind=codes.KOTA,
    province_name="Kalimantan Timur",
    province_code="64",
)
