import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.management.job_wait import wait_and_report
from secretariat.management.passphrase import add_passphrase_argument, command_passphrase
from secretariat.services.decrees import decrees_issue_signed
from secretariat.services.offices import office_by_code


class Command(BaseCommand):
    help = (
        "Terbitkan Keputusan (SK) untuk pengangkatan aktif yang belum tercantum dalam SK yang berlaku, "
        "dengan nomor berikutnya tahun itu, beserta petikannya (dibuat oleh worker Celery). Dengan "
        "SIGNER=bsre passphrase TTE Ketua ditanyakan sekali untuk semua dokumen."
    )
    stealth_options = ("stdin",)  # tests hand the command a stdin of their own

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="Tanggal ditetapkan, YYYY-MM-DD.")
        parser.add_argument("--wait", action="store_true", help="Tunggu sampai semua PDF selesai.")
        parser.add_argument("--timeout", type=int, default=1800, help="Batas tunggu (detik) untuk --wait.")
        parser.add_argument("--user", help="Nama pengguna staf yang dicatat sebagai penerbit.")
        add_passphrase_argument(parser)
        parser.add_argument(
            "--office",
            help="Kode kantor KPU Kabupaten/Kota yang menerbitkan, mis. 64.72 (wajib bila ada lebih dari "
            "satu kantor).",
        )

    def handle(self, *args, date, wait, timeout, user, passphrase_stdin, office=None, **options):
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
            issuer = office_by_code(office)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        # Asked (or refused) before any number is used: under BSrE, once for every document of the SK.
        passphrase = command_passphrase(
            self, office=issuer, from_stdin=passphrase_stdin, stdin=options.get("stdin")
        )
        try:
            decrees = decrees_issue_signed(
                decree_date=decree_date, user=actor, passphrase=passphrase, office=issuer
            )
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
        if wait:
            wait_and_report(self, jobs, timeout=timeout)
