"""The office a portal page speaks for: the member's own (their Person's office), else the deployment's
only office; with several offices and nobody logged in, KPU's name alone."""

from django.utils.functional import SimpleLazyObject

from ..models import Office
from ..models.scoping import user_office

NEUTRAL = {"name": "Komisi Pemilihan Umum", "short_name": "KPU"}


def _office_names(request) -> dict:
    user = getattr(request, "user", None)
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    office = person.office if person is not None else user_office(user) or Office.sole()
    return {"name": office.name, "short_name": office.short_name} if office else NEUTRAL


def portal_office(request) -> dict:
    # Lazy: only pages that print it (the portal's) ask the database.
    return {"portal_office": SimpleLazyObject(lambda: _office_names(request))}
