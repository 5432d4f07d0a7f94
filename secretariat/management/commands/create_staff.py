import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secretariat.management.office_arg import office_of_code
from secretariat.services.staff_accounts import staff_account_set

PASSWORD_VARIABLE = "STAFF_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = (
        "Buat akun staf sebuah kantor KPU (atau pindahkan akun staf yang sudah ada ke kantor itu) dengan "
        f"perannya. Sandi dari variabel lingkungan {PASSWORD_VARIABLE}; tanpa itu akun baru mendapat sandi "
        "acak yang dicetak sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Nama pengguna staf.")
        parser.add_argument("--office", required=True, help="Kode kantor KPU, mis. 64.72 atau 64 (provinsi).")
        parser.add_argument(
            "--role",
            required=True,
            # No argparse choices: its refusal is English; staff_account_set refuses in Indonesian.
            help="operator (mengelola data kantornya) atau viewer (hanya membaca).",
        )

    def handle(self, *args, username, office, role, **options):
        office = office_of_code(office)
        # From the environment, never an argument: a command line is visible to every user of the machine.
        password = os.environ.get(PASSWORD_VARIABLE) or None
        try:
            account = staff_account_set(username=username, office=office, role=role, password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        where = f"{account.group_name} di {office.short_name} ({office.code})"
        if account.created:
            self.stdout.write(self.style.SUCCESS(f"Akun staf {username} dibuat: {where}."))
        elif account.previous_office is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Akun {username} sudah ada: dipindahkan dari {account.previous_office.short_name} "
                    f"({account.previous_office.code}); sekarang {where}."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Akun {username} sudah ada: {where}."))
        if account.generated_password:
            self.stdout.write(
                f"Sandi: {account.generated_password}\n"
                "Sandi ini hanya dicetak sekali ini; serahkan kepada stafnya dan minta ia menggantinya."
            )
        elif password is not None:
            self.stdout.write(f"Sandi diatur dari {PASSWORD_VARIABLE}.")
        else:
            self.stdout.write(f"Sandi tidak diubah (isi {PASSWORD_VARIABLE} untuk menggantinya).")
