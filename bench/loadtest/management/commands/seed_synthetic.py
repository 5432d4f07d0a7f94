import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench.loadtest.codes import SyntheticError
from bench.loadtest.removal import synthetic_remove
from bench.loadtest.seeding import NATIONAL_KELURAHAN, synthetic_seed


class Command(BaseCommand):
    help = (
        "Tambah kelurahan SINTETIS (kode 00.xx.xx.xxxx, bukan wilayah nyata) dengan tiga anggota fiktif "
        f"masing-masing, untuk uji skala (nasional: {NATIONAL_KELURAHAN}). --remove menghapus semuanya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kelurahan", type=int, help="Jumlah kelurahan sintetis yang ditambahkan.")
        parser.add_argument(
            "--csv",
            metavar="FILE",
            help="Hanya tambah kelurahan/kecamatan; tulis anggotanya ke berkas impor ini (import_members).",
        )
        parser.add_argument("--remove", action="store_true", help="Hapus semua data sintetis.")
        parser.add_argument(
            "--replace", action="store_true", help="Hapus data sintetis yang ada, lalu buat yang baru."
        )

    def handle(self, *args, kelurahan, csv, remove, replace, **options):
        started = time.monotonic()
        if remove:
            if kelurahan or csv or replace:
                raise CommandError("--remove tidak dapat digabung dengan opsi lain.")
            try:
                counts = synthetic_remove()
            except SyntheticError as exc:
                raise CommandError(str(exc)) from exc
            detail = ", ".join(f"{label} {n}" for label, n in sorted(counts.items())) or "tidak ada"
            self.stdout.write(
                self.style.SUCCESS(f"Data sintetis dihapus ({time.monotonic() - started:.1f} d): {detail}.")
            )
            return
        if not kelurahan:
            raise CommandError("Sebutkan --kelurahan N (atau --remove).")
        if csv and Path(csv).exists():
            raise CommandError(f"Berkas sudah ada, tidak ditimpa: {csv}")
        try:
            result = synthetic_seed(count=kelurahan, csv_path=Path(csv) if csv else None, replace=replace)
        except SyntheticError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        summary = f"{result.kecamatan} kecamatan, {result.kelurahan} kelurahan sintetis"
        if csv:
            self.stdout.write(
                self.style.SUCCESS(f"{summary}; {result.people} anggota ditulis ke {csv} ({elapsed:.1f} d).")
            )
        else:
            people = f"{result.people} anggota, {result.appointments} pengangkatan"
            self.stdout.write(self.style.SUCCESS(f"{summary}, {people} ({elapsed:.1f} d)."))
