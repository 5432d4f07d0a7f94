from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secretariat.management.office_arg import office_of_code
from secretariat.models import Office, OfficeKind
from secretariat.services.exporting import roster_csv, roster_xlsx


def export_offices(office: Office | None) -> list[Office]:
    """The offices whose members are exported: the one named (a provincial office: its kabupaten/kota
    offices), else the deployment's only one; several offices and none named is refused, naming them."""
    if office is not None:
        return list(office.children.all()) + [office] if office.is_provincial else [office]
    sole = Office.sole()
    if sole is not None:
        return [sole]
    codes = ", ".join(Office.objects.filter(kind=OfficeKind.REGENCY).values_list("code", flat=True)[:20])
    raise CommandError(f"Ada beberapa kantor KPU ({codes}); sebutkan satu dengan --office KODE.")


class Command(BaseCommand):
    help = "Ekspor anggota aktif periode berjalan ke CSV atau XLSX (format sama dengan impor)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Berkas tujuan, berakhiran .csv atau .xlsx")
        parser.add_argument(
            "--office",
            help="Kode kantor KPU, mis. 64.72: hanya anggotanya (kantor provinsi: semua kantor di "
            "bawahnya). Tanpa ini: satu-satunya kantor bila hanya ada satu.",
        )

    def handle(self, *args, file, office, **options):
        path = Path(file)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Nama berkas harus berakhiran .csv atau .xlsx.")
        offices = export_offices(office_of_code(office))
        if path.suffix.lower() == ".csv":
            data = roster_csv(full_nik=True, offices=offices)
        elif path.suffix.lower() == ".xlsx":
            data = roster_xlsx(full_nik=True, offices=offices)
        else:
            raise CommandError("Nama berkas harus berakhiran .csv atau .xlsx.")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {path}: {exc.strerror}.") from exc
        self.stdout.write(str(path))
