"""Give an office its own electronic seal (secretariat/services/office_seals.py): its documents are signed
with it from the next document on, in every worker, without a restart.

Secrets never come on the command line (they would stay in the shell's history and in `ps`): the PKCS#12
passphrase from stdin (--passphrase-stdin) or SEAL_PASSPHRASE, the BSrE signer's NIK from stdin
(--bsre-nik-stdin) or OFFICE_BSRE_NIK."""

import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.services.office_seals import (
    MAX_PKCS12_BYTES,
    office_seal_create_local,
    office_seal_remove,
    office_seal_set_bsre,
    office_seal_set_pkcs12,
    office_seal_status,
)
from secretariat.services.offices import office_by_code

PASSPHRASE_ENV = "SEAL_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
# Not BSRE_NIK: that one is the environment signer's (SEAL_OFFICE's Ketua), set in every container.
NIK_ENV = "OFFICE_BSRE_NIK"


class Command(BaseCommand):
    help = (
        "Atur segel elektronik kantor KPU Kabupaten/Kota KODE: dari berkas PKCS#12 kantor (--pkcs12), segel "
        "lokal tidak tersertifikasi yang dibuat sekarang (--create-local), penanda tangan BSrE "
        "(--bsre-name), atau hapus (--remove). Tanpa pilihan: tampilkan segel yang berlaku."
    )
    stealth_options = ("stdin",)  # tests hand the command a stdin of their own

    def add_arguments(self, parser):
        parser.add_argument("code", help="Kode kantor KPU Kabupaten/Kota, mis. 64.72.")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--pkcs12", metavar="BERKAS", help="Berkas PKCS#12 (.p12/.pfx) segel kantor.")
        action.add_argument(
            "--create-local",
            action="store_true",
            help="Buat segel lokal TIDAK TERSERTIFIKASI atas nama kantor (bila kantor belum punya segel).",
        )
        action.add_argument("--bsre-name", metavar="NAMA", help="Nama penanda tangan BSrE yang dicetak.")
        action.add_argument("--remove", action="store_true", help="Hapus segel kantor ini.")
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help=f"Baca passphrase berkas PKCS#12 dari baris pertama stdin (atau atur {PASSPHRASE_ENV}).",
        )
        parser.add_argument(
            "--bsre-nik-stdin",
            action="store_true",
            help=f"Baca NIK penanda tangan BSrE dari baris pertama stdin (atau atur {NIK_ENV}).",
        )

    def handle(self, *args, code, pkcs12, create_local, bsre_name, remove, **options):
        stdin = options.get("stdin") or sys.stdin
        try:
            office = office_by_code(code)
            if pkcs12:
                passphrase = self._secret(
                    stdin,
                    options["passphrase_stdin"],
                    PASSPHRASE_ENV,
                    "passphrase berkas PKCS#12",
                    "--passphrase-stdin",
                    allow_empty=True,
                )
                seal = office_seal_set_pkcs12(office=office, data=_read(pkcs12), passphrase=passphrase)
                self.stdout.write(f"Segel {office.short_name} dipasang dari {pkcs12} (versi {seal.version}).")
            elif create_local:
                seal = office_seal_create_local(office=office)
                self.stdout.write(
                    f"Segel lokal tidak tersertifikasi {office.short_name} dibuat (versi {seal.version})."
                )
            elif bsre_name is not None:
                nik = self._secret(
                    stdin, options["bsre_nik_stdin"], NIK_ENV, "NIK penanda tangan BSrE", "--bsre-nik-stdin"
                )
                seal = office_seal_set_bsre(office=office, signer_name=bsre_name, nik=nik)
                self.stdout.write(f"Penanda tangan BSrE {office.short_name} diatur (versi {seal.version}).")
            elif remove:
                if office_seal_remove(office=office):
                    self.stdout.write(f"Segel {office.short_name} dihapus.")
                else:
                    self.stdout.write(
                        f"{office.short_name} tidak punya segel sendiri; tidak ada yang diubah."
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{office.short_name} ({office.code}): {office_seal_status(office)}")

    def _secret(self, stdin, from_stdin, variable, label, option, *, allow_empty=False) -> str:
        label = label[0].upper() + label[1:]
        if from_stdin:
            value = stdin.readline().rstrip("\r\n")
        else:
            value = os.environ.get(variable)
            if value is None:
                raise CommandError(
                    f"{label} diperlukan: berikan lewat {option} atau variabel lingkungan "
                    f"{variable} (tidak pernah di baris perintah). Tidak ada yang disimpan."
                )
        if not value and not allow_empty:
            raise CommandError(f"{label} kosong. Tidak ada yang disimpan.")
        return value


def _read(path: str) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_PKCS12_BYTES:
            raise CommandError(f"Berkas {path} terlalu besar untuk segel PKCS#12. Tidak ada yang disimpan.")
        return file.read_bytes()
    except OSError as exc:
        raise CommandError(
            f"Berkas {path} tidak dapat dibaca ({exc.strerror or type(exc).__name__}). Tidak ada yang "
            "disimpan."
        ) from None
