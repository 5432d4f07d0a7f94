"""Make a local CA and a seal certificate, clearly marked as not certified (pps_admin/signing/local_ca.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pps_admin.signing.local_ca import create_local_seal


class Command(BaseCommand):
    help = (
        "Membuat CA lokal dan sertifikat segel elektronik TIDAK TERSERTIFIKASI (PKCS#12 dengan passphrase "
        "acak) di DIR; bila segel sudah ada, tidak diubah."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / ".run" / "seal"))
        parser.add_argument("--organization", default="KPU Kota Balikpapan")

    def handle(self, *args, **options):
        seal, made = create_local_seal(Path(options["dir"]), organization=options["organization"])
        if made:
            self.stdout.write(f"Segel lokal tidak tersertifikasi dibuat: {seal.pkcs12_path}")
        else:
            self.stdout.write(f"Segel lokal sudah ada, tidak diubah: {seal.pkcs12_path}")
        self.stdout.write(f"Passphrase-nya di {seal.passphrase_path}; sertifikat CA: {seal.ca_path}")
