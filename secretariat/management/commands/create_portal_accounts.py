import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
        # The sheet holds passwords: readable by its owner only, never written over an existing file, and
        # opened before any account is made (passwords are shown once; no sheet, no accounts).
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(
                f"{output} sudah ada; pilih nama lain (sandi hanya ditampilkan sekali)."
            ) from None
        except OSError as exc:
            raise CommandError(f"{output} tidak dapat ditulis: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as handle, transaction.atomic():
                rows = portal_accounts_create()
                handle.write(write_csv(HANDOVER_COLUMNS, [row.as_list() for row in rows], bom=False))
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(f"{len(rows)} akun dibuat; lembar serah terima: {path}")
