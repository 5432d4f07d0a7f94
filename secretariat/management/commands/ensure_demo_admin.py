import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Buat (sekali) akun admin demo dan cetak loginnya. Hanya untuk pengembangan (DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Alamat admin yang dicetak."
        )

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("Akun demo hanya dibuat dengan DEBUG=true; gunakan createsuperuser.")
        username = settings.DEMO_ADMIN_USERNAME
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password_file = settings.BASE_DIR / ".demo-admin-password"
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        else:
            saved = password_file.read_text().strip() if password_file.exists() else ""
            # The file holds the password this command made; changed since in the admin, it would print one
            # that no longer logs in.
            if saved and user.check_password(saved):
                password = saved
            else:
                password = (
                    "(tidak diketahui: sudah diubah; pakai `manage.py changepassword " + username + "`)"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Login admin demo:  {url}\n  Pengguna: {username}\n  Sandi:    {password}\n"
            )
        )
