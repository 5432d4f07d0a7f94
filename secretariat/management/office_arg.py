"""The `--office KODE` option of the management commands: the code of a KPU office ("64.72", "64")."""

from django.core.management.base import CommandError

from ..models import Office


def office_of_code(code: str | None) -> Office | None:
    """The office coded `code` (None when no code was given); an unknown code stops the command."""
    if code is None:
        return None
    office = Office.objects.filter(code=code.strip()).select_related("regency").first()
    if office is None:
        raise CommandError(
            f"Kantor KPU dengan kode {code} tidak ada. Kode kantor ditulis seperti 64.72 (kabupaten/kota) "
            "atau 64 (provinsi)."
        )
    return office
