from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrity.services.pacts import pacts_generate
from secretariat.models import JobStatus
from secretariat.services.documents import job_wait, job_written_paths


class Command(BaseCommand):
    help = "Buat PDF pakta integritas untuk setiap pengangkatan aktif yang belum punya (oleh worker Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Tunggu sampai semua PDF selesai.")
        parser.add_argument("--timeout", type=int, default=1800, help="Batas tunggu (detik) untuk --wait.")

    def handle(self, *args, wait, timeout, **options):
        try:
            job = pacts_generate()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job is None:
            self.stderr.write("Semua pengangkatan aktif sudah punya PDF pakta; tidak ada yang dibuat.")
            return
        self.stderr.write(f"{job.total} pakta integritas dijadwalkan.")
        if not wait:
            return
        try:
            job = job_wait(job, timeout=timeout)
        except TimeoutError as exc:
            raise CommandError(str(exc)) from exc
        for path in job_written_paths(job):
            self.stdout.write(path)
        if job.status == JobStatus.FAILED:
            raise CommandError(job.error)
