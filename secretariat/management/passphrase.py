"""The signer's passphrase for a command that starts a signed batch (generate_pacts): asked once, never
on the command line (it would stay in the shell's history and in `ps`)."""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from ..services.signing import signing_needs_passphrase

PASSPHRASE_ENV = "BSRE_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret

MISSING = (
    "Dokumen kantor ini ditandatangani dengan BSrE, jadi passphrase TTE penanda tangan diperlukan: "
    "jalankan perintah ini di terminal (passphrase ditanyakan), atau berikan lewat --passphrase-stdin "
    f"atau variabel lingkungan {PASSPHRASE_ENV}. Tidak ada yang dibuat."
)


def add_passphrase_argument(parser) -> None:
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="Baca passphrase TTE penanda tangan (BSrE) dari baris pertama stdin.",
    )


def command_passphrase(command: BaseCommand, *, office, from_stdin: bool, stdin=None) -> str | None:
    """The passphrase when signing `office`'s documents needs one (from stdin, the environment, or asked
    on the terminal), None when it does not; CommandError when it is needed and none was given."""
    if not signing_needs_passphrase(office):
        if from_stdin:
            command.stderr.write(
                f"{office.short_name} tidak menandatangani dengan BSrE: passphrase tidak diperlukan dan "
                "tidak dipakai."
            )
        return None
    stdin = stdin or sys.stdin
    if from_stdin:
        passphrase = stdin.readline().rstrip("\r\n")
    elif os.environ.get(PASSPHRASE_ENV):
        passphrase = os.environ[PASSPHRASE_ENV]
    elif stdin.isatty():
        passphrase = getpass.getpass("Passphrase TTE penanda tangan (BSrE, sekali untuk semua dokumen): ")
    else:
        raise CommandError(MISSING)
    if not passphrase:
        raise CommandError(MISSING)
    return passphrase
