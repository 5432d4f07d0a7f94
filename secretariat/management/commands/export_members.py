from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secretariat.services.exporting import roster_csv, roster_xlsx


class Command(BaseCommand):
    help = "Ekspor anggota aktif periode berjalan ke CSV atau XLSX (format sama dengan impor)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas tujuan, berakhiran .csv atau .xlsx")

    def handle(self, *args, file, **options):
        path = Path(file)
        if path.suffix.lower() == ".csv":
            data = roster_csv(full_nik=True)
        elif path.suffix.lower() == ".xlsx":
            data = roster_xlsx(full_nik=True)
        else:
            raise CommandError("Nama berkas harus berakhiran .csv atau .xlsx.")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {path}: {exc.strerror}.") from exc
        self.stdout.write(str(path))
