from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.models import OfficeKind
from secretariat.services.offices import office_create


class Command(BaseCommand):
    help = (
        "Buat kantor KPU Kabupaten/Kota untuk wilayah yang sudah dimuat (mis. 64.72), beserta KPU "
        "Provinsinya bila belum ada, templat SK, teks pakta integritas versi 1 dan tanggal penting periode "
        "berjalan. Kode provinsi (mis. 64) membuat kantor KPU Provinsi saja. Aman dijalankan ulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Kode Kemendagri kabupaten/kota (64.72) atau provinsi (64).")

    def handle(self, *args, code, **options):
        try:
            result = office_create(code=code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        office = result.office
        if not result.changed:
            self.stdout.write(f"{office.name} ({office.code}) sudah ada; tidak ada yang diubah.")
            return
        self.stdout.write(f"{office.name} ({office.code}): dibuat {', '.join(result.created)}.")
        if office.kind == OfficeKind.REGENCY:
            self.stdout.write(
                f"Lengkapi di admin sebelum menerbitkan SK: nama Ketua (Templat SK) dan alamat kop. "
                f"Tempat kedudukan: “{office.city}”."
            )
        if result.seat_unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"PERHATIAN: ibu kota {office.regency} tidak diketahui; tempat kedudukan sementara "
                    f"“{office.city}” (nama kabupaten). Periksa dan ubah di admin (Kantor dan Templat SK: "
                    "tempat ditetapkan) sebelum menerbitkan SK atau pakta."
                )
            )
