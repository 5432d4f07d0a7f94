import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kelurahan.loading import LoadResult, RegionsLoadError, regions_load
from kelurahan.regions_file import DEFAULT_PATH
from kelurahan.seats_file import DEFAULT_PATH as DEFAULT_SEATS_PATH


def number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Muat wilayah Indonesia (provinsi, kabupaten/kota, kecamatan, desa/kelurahan; Kepmendagri) dari "
        "berkas yang dibawa aplikasi. Tanpa argumen: semua provinsi. Dapat diulang: kode tidak pernah "
        "berubah, tidak ada yang dihapus, nama yang diubah staf dipertahankan."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "provinces", nargs="*", metavar="KODE_PROVINSI", help="mis. 64 (Kalimantan Timur)"
        )
        parser.add_argument("--file", type=Path, default=DEFAULT_PATH, help="berkas wilayah (.csv.xz)")
        parser.add_argument(
            "--seats-file",
            type=Path,
            default=DEFAULT_SEATS_PATH,
            help="berkas ibu kota kabupaten (.csv.xz)",
        )

    def handle(self, *args, provinces, file, seats_file, **options):
        started = time.monotonic()
        try:
            result = regions_load(provinces=provinces or None, path=file, seats_path=seats_file)
        except RegionsLoadError as exc:
            raise CommandError(str(exc)) from exc
        self.report(result, time.monotonic() - started)

    def report(self, result: LoadResult, seconds: float) -> None:
        source = result.notes[0] if result.notes else str(DEFAULT_PATH)
        self.stdout.write(
            f"{source}\nProvinsi yang dimuat ({len(result.provinces)}): {', '.join(result.provinces)}"
        )
        for level, counts in result.levels.items():
            parts = [
                f"{number(counts.created)} baru",
                f"{number(counts.renamed)} nama diperbarui",
                f"{number(counts.unchanged)} tetap",
            ]
            if counts.postal_filled:
                parts.append(f"{number(counts.postal_filled)} kode pos diisi")
            if counts.staff_names:
                parts.append(f"{number(counts.staff_names)} nama suntingan staf dipertahankan")
            if counts.not_in_file:
                parts.append(f"{number(counts.not_in_file)} tidak ada di berkas (dibiarkan)")
            self.stdout.write(f"  {level}: " + ", ".join(parts))
        seats = result.seats
        line = f"  ibu kota kabupaten: {number(seats.set)} diisi/diperbarui, {number(seats.unchanged)} tetap"
        if seats.unknown:
            line += f", {number(seats.unknown)} tidak diketahui (periksa tempat kedudukan kantornya)"
        self.stdout.write(line)
        elapsed = f"{seconds:.1f}".replace(".", ",")
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"Wilayah dimuat dalam {elapsed} detik."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Tidak ada perubahan: semua wilayah sudah sesuai berkas ({elapsed} detik)."
                )
            )
