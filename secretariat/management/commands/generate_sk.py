import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.models import DocumentStatus, JobStatus
from secretariat.services.decrees import decrees_issue
from secretariat.services.documents import job_wait, job_written_paths


class Command(BaseCommand):
    help = (
        "Terbitkan Keputusan (SK) untuk pengangkatan aktif yang belum tercantum dalam SK yang berlaku, "
        "dengan nomor berikutnya tahun itu, beserta petikannya (dibuat oleh worker Celery)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="Tanggal ditetapkan, YYYY-MM-DD.")
        parser.add_argument("--wait", action="store_true", help="Tunggu sampai semua PDF selesai.")
        parser.add_argument("--timeout", type=int, default=1800, help="Batas tunggu (detik) untuk --wait.")
        parser.add_argument("--user", help="Nama pengguna staf yang dicatat sebagai penerbit.")

    def handle(self, *args, date, wait, timeout, user, **options):
        try:
            decree_date = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise CommandError("--date harus berbentuk YYYY-MM-DD.") from exc
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Pengguna tidak dikenal: {user}")
        try:
            decrees = decrees_issue(decree_date=decree_date, user=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not decrees:
            self.stderr.write(
                "Tidak ada pengangkatan aktif yang belum tercantum dalam SK; tidak ada SK baru."
            )
            return
        jobs = []
        for decree in decrees:  # a main decree and/or replacement (PAW) decrees
            job = decree.jobs.get()
            jobs.append(job)
            self.stderr.write(
                f"SK {decree.number} ({decree.get_kind_display()}) diterbitkan: "
                f"{decree.entries.count()} anggota, {job.total} dokumen."
            )
        if not wait:
            return
        failed = []
        for job in jobs:
            try:
                job = job_wait(job, timeout=timeout)
            except TimeoutError as exc:
                raise CommandError(str(exc)) from exc
            for path in job_written_paths(job):
                self.stdout.write(path)
            if job.status == JobStatus.FAILED:
                for document in job.documents.filter(status=DocumentStatus.FAILED):
                    self.stderr.write(f"Gagal: {document} - {document.error}")
                failed.append(job.error)
        if failed:
            raise CommandError(" ".join(failed))
