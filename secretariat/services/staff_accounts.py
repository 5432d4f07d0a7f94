"""Staff accounts of a KPU office: `create_staff USERNAME --office KODE --role operator|viewer`.

A staff member belongs to one office (StaffMembership, audited) and has one role, a Django group
(roles.py): an operator of a kabupaten/kota office keeps its roster, a viewer reads it; a viewer of a
provincial office reads the province's offices. A provincial office has no operators: it changes nothing.
Running it again for an existing account moves it to the office and sets its role; its password changes
only when one is given.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import capfirst

from .. import roles
from ..models import Office, Person, StaffMembership

ROLE_GROUPS = {"operator": roles.OPERATOR, "viewer": roles.VIEWER}
GENERATED_PASSWORD_BYTES = 12  # 16 characters of token_urlsafe


@dataclass(frozen=True)
class StaffAccount:
    user: object
    office: Office
    role: str  # "operator" | "viewer"
    created: bool
    previous_office: Office | None  # the office it belonged to before, when it was moved
    generated_password: str | None  # only for a new account without a given password; shown once

    @property
    def group_name(self) -> str:
        return ROLE_GROUPS[self.role]


def _refusal(user, office: Office, role: str) -> str | None:
    if role not in ROLE_GROUPS:
        return (
            f"Peran “{role}” tidak dikenal: pakai operator (mengelola data kantornya) atau viewer (hanya "
            f"membaca); pengamat provinsi: --office {office.code.split('.')[0]} --role viewer."
        )
    if office.is_provincial and role == "operator":
        return (
            f"{office.short_name} adalah KPU Provinsi: stafnya hanya membaca data kantor kabupaten/kota "
            "di bawahnya. Pakai --role viewer."
        )
    if user is not None and user.is_superuser:
        return f"{user.username} adalah superuser (melihat semua kantor); akun ini tidak diubah."
    if user is not None and Person.objects.filter(user=user).exists():
        return f"{user.username} adalah akun portal anggota sekretariat, bukan akun staf; tidak diubah."
    return None


@transaction.atomic
def staff_account_set(
    *, username: str, office: Office, role: str, password: str | None = None
) -> StaffAccount:
    """Create the staff account `username` of `office` with `role`, or move an existing one there and set
    its role. `password` (if given) must pass the password validators; a new account without one gets a
    generated password, returned once and stored only as its hash."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    refusal = _refusal(user, office, role)
    if refusal:
        raise ValidationError(refusal)
    created = user is None
    if created:
        user = User(username=username)
        try:
            user.full_clean(exclude=["password"], validate_unique=True)
        except ValidationError as exc:
            raise ValidationError(" ".join(_named(User, exc))) from exc
    generated = None
    if password is None and created:
        password = generated = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    if password is not None:
        password_validation.validate_password(password, user)
        user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.save()

    if Group.objects.filter(name__in=ROLE_GROUPS.values()).count() != len(ROLE_GROUPS):
        roles.ensure_staff_groups()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))

    membership = StaffMembership.objects.select_related("office").filter(user=user).first()
    previous = membership.office if membership and membership.office_id != office.pk else None
    if membership is None:
        StaffMembership.objects.create(user=user, office=office)
    elif previous is not None:
        membership.office = office
        membership.save()
    return StaffAccount(user, office, role, created, previous, generated)


def _named(model, error: ValidationError) -> list[str]:
    """Each message after the field it is about ("Nama pengguna: Field ini tidak boleh kosong.")."""
    named = []
    for name, messages in error.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else f"{capfirst(model._meta.get_field(name).verbose_name)}: "
        named += [f"{label}{message}" for message in messages]
    return named
