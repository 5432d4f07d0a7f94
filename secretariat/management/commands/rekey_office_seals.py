"""Encrypt every office's seal again under the first PASSPHRASE_KEY, after a key rotation (README "One seal
per office"): set PASSPHRASE_KEY=<new>,<old> (the old one may be the SECRET_KEY text, when the seals were
kept under the key derived from it), run this, then drop the old key."""

from django.core.management.base import BaseCommand, CommandError

from secretariat.services.office_seals import office_seals_rekey


class Command(BaseCommand):
    help = (
        "Enkripsi ulang segel elektronik semua kantor dengan kunci PASSPHRASE_KEY yang pertama (setelah "
        "rotasi kunci: kunci baru di depan, kunci lama kedua). Semua atau tidak sama sekali."
    )

    def handle(self, *args, **options):
        done, unopenable = office_seals_rekey()
        if unopenable:
            raise CommandError(
                f"Segel {len(unopenable)} kantor tidak dapat dibuka dengan kunci yang diatur "
                f"({', '.join(unopenable[:10])}{' ...' if len(unopenable) > 10 else ''}); tidak ada yang "
                "diubah. Tambahkan kunci lamanya (mis. teks SECRET_KEY lama) sebagai kunci berikutnya di "
                "PASSPHRASE_KEY, lalu jalankan lagi."
            )
        self.stdout.write(f"Segel {len(done)} kantor dienkripsi ulang dengan kunci PASSPHRASE_KEY pertama.")
