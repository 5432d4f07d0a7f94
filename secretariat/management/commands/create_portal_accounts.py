from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from secretariat.services.accounts import HANDOVER_COLUMNS, portal_accounts_create
from secretariat.services.spreadsheet import write_csv


class Command(BaseCommand):
    help = (
        "Buat akun portal untuk anggota aktif yang belum punya (nama pengguna bukan NIK, sandi sekali pakai) "
        "dan tulis lembar serah terima CSV: kode_kelurahan,jabatan,nama,username,password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Berkas CSV lembar serah terima.")

    def handle(self, *args, output, **options):
        path = Path(output)
        if path.exists():
            raise CommandError(f"{output} sudah ada; pilih nama lain (sandi hanya ditampilkan sekali).")
        rows = portal_accounts_create()
        data = write_csv(HANDOVER_COLUMNS, [row.as_list() for row in rows], bom=False)
        # The sheet holds passwords: readable by its owner only.
        path.touch(mode=0o600)
        path.write_bytes(data)
        self.stdout.write(f"{len(rows)} akun dibuat; lembar serah terima: {path}")
