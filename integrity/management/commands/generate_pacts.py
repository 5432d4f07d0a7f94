from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrity.services.pacts import pacts_generate
from secretariat.management.job_wait import wait_and_report
from secretariat.management.passphrase import add_passphrase_argument, command_passphrase
from secretariat.services.offices import office_by_code


class Command(BaseCommand):
    help = (
        "Buat PDF pakta integritas untuk setiap pengangkatan aktif yang belum punya (oleh worker Celery). "
        "Dengan SIGNER=bsre passphrase TTE penanda tangan ditanyakan sekali untuk semua pakta."
    )
    stealth_options = ("stdin",)  # tests hand the command a stdin of their own

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Tunggu sampai semua PDF selesai.")
        parser.add_argument("--timeout", type=int, default=1800, help="Batas tunggu (detik) untuk --wait.")
        add_passphrase_argument(parser)
        parser.add_argument(
            "--office",
            help="Kode kantor KPU Kabupaten/Kota, mis. 64.72 (wajib bila ada lebih dari satu kantor).",
        )

    def handle(self, *args, wait, timeout, passphrase_stdin, office=None, **options):
        try:
            issuer = office_by_code(office)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        passphrase = command_passphrase(
            self, office=issuer, from_stdin=passphrase_stdin, stdin=options.get("stdin")
        )
        try:
            job = pacts_generate(office=issuer, passphrase=passphrase)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job is None:
            self.stderr.write("Semua pengangkatan aktif sudah punya PDF pakta; tidak ada yang dibuat.")
            return
        self.stderr.write(f"{job.total} pakta integritas dijadwalkan.")
        if wait:
            wait_and_report(self, [job], timeout=timeout)
