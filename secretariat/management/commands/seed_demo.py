from django.core.management.base import BaseCommand, CommandError

from secretariat.models import Office
from secretariat.services.demo import DEMO_REGENCY, demo_csv
from secretariat.services.importing import members_import


class Command(BaseCommand):
    help = "Isi 102 anggota FIKTIF (34 kelurahan x 3 jabatan) untuk mencoba aplikasi. Bukan data nyata."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Tulis roster fiktif ke berkas CSV ini, tanpa mengimpor.")

    def handle(self, *args, output, **options):
        data = demo_csv()
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stdout.write(output)
            return
        # For Balikpapan's office whatever other offices exist: the roster is of its kelurahan.
        office = Office.objects.get(code=DEMO_REGENCY)
        result = members_import(data=data, dry_run=False, reason="seed_demo (data fiktif)", office=office)
        if not result.ok:
            raise CommandError("\n".join(str(p) for p in result.errors[:20]))
        self.stdout.write(self.style.SUCCESS(f"Roster fiktif: {result.summary}."))
