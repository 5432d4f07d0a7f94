from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.management.office_arg import office_of_code
from secretariat.models import Office, OfficeKind
from secretariat.services.importing import import_office, members_import

MAX_WARNINGS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Impor anggota sekretariat dari CSV atau XLSX (header tetap, lihat README). Semua atau tidak "
        "sama sekali: satu baris salah berarti tidak ada yang disimpan (status keluar 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas .csv atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja, jangan simpan.")
        parser.add_argument("--user", help="Nama pengguna staf yang dicatat di jejak audit.")
        parser.add_argument(
            "--office",
            help="Kode kantor KPU Kabupaten/Kota yang mengimpor, mis. 64.72; setiap baris harus berada di "
            "wilayahnya. Tanpa ini: satu-satunya kantor, bila hanya ada satu.",
        )
        parser.add_argument(
            "--all-offices",
            action="store_true",
            help="Berkas nasional atau provinsi: setiap baris untuk kantor KPU kabupaten/kota kelurahannya.",
        )

    def handle(self, *args, file, dry_run, user, office, all_offices, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {file}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Pengguna tidak dikenal: {user}")
        if all_offices and office:
            raise CommandError("Pilih salah satu: --office KODE atau --all-offices.")
        try:
            office = None if all_offices else import_office(office_of_code(office))
        except ValidationError as exc:
            # Without --office the refusal is that there are several offices (or none at all).
            several = office is None and Office.objects.filter(kind=OfficeKind.REGENCY).exists()
            how = " Sebutkan kantornya dengan --office KODE, atau --all-offices." if several else ""
            raise CommandError(" ".join(exc.messages) + how) from exc
        result = members_import(
            data=path.read_bytes(),
            dry_run=dry_run,
            user=actor,
            reason=f"import_members {path.name}",
            office=office,
            every_office=all_offices,
        )
        # Warnings are advice, not errors: a national-scale file would print one per row, so show the first
        # ones and count the rest. Errors are always listed in full.
        for warning in result.warnings[:MAX_WARNINGS_SHOWN]:
            self.stderr.write(f"Peringatan - {warning}")
        if len(result.warnings) > MAX_WARNINGS_SHOWN:
            hidden = len(result.warnings) - MAX_WARNINGS_SHOWN
            self.stderr.write(f"Peringatan - ... dan {hidden} peringatan lain tidak ditampilkan.")
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(str(problem))
            self.stderr.write(
                self.style.ERROR(f"{len(result.errors)} masalah ditemukan; tidak ada data yang disimpan.")
            )
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(f"Pemeriksaan lolos (tidak disimpan): {result.summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Impor selesai: {result.summary}."))
