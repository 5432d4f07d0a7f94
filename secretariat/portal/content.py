"""Text shown to members about their role (Keputusan KPU 476/2022 as amended: facilitation,
administration, finance, logistics, technical work, documentation). Short and plain on purpose."""

DUTIES = {
    "sekretaris": [
        "Memimpin sekretariat dan membantu PPS dalam urusan administrasi, keuangan, dan logistik.",
        "Menyiapkan rapat, surat-menyurat, dan laporan kegiatan PPS.",
        "Mempertanggungjawabkan penggunaan anggaran bersama bendahara.",
        "Berkoordinasi dengan Sekretariat PPK dan Sekretariat {office}.",
    ],
    "bendahara": [
        "Mengelola keuangan PPS: menerima, menyimpan, membayarkan, dan mencatat dana.",
        "Menyusun laporan pertanggungjawaban keuangan beserta bukti-buktinya.",
        "Membayarkan honorarium sesuai ketentuan dan memungut pajak yang berlaku.",
        "Membantu administrasi logistik PPS.",
    ],
    "staf_teknis": [
        "Membantu PPS dalam urusan teknis penyelenggaraan: pemutakhiran data pemilih, logistik, dan "
        "pemungutan serta penghitungan suara.",
        "Mengelola dokumentasi kegiatan dan arsip PPS.",
        "Membantu penyampaian informasi Pemilihan kepada masyarakat.",
        "Membantu pengoperasian aplikasi dan sistem informasi KPU di tingkat kelurahan.",
    ],
}


def duties_of(role: str, office) -> list[str]:
    """The role's duties, naming the member's own office."""
    return [duty.replace("{office}", office.short_name) for duty in DUTIES.get(role, [])]
