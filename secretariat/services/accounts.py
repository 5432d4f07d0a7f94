"""Portal accounts for members: a username that is not the NIK and a random one-time password."""

import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kelurahan.models import Kelurahan
from pps_admin.rendering import PdfMetadata, render_pdf

from ..hashers import OneTimePasswordHasher
from ..models import Appointment, Office, Paper, Person
from ..models.appointment import post_title, roster_order
from ..models.decree import PAPER_SIZES_MM
from .letterhead import deployment_letterhead, office_author, office_letterhead
from .page_layout import page_css

# No look-alike characters (0/O, 1/l/I): the password is read off paper and typed on a phone.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
PASSWORD_LENGTH = 10
HANDOVER_COLUMNS = ["kode_kelurahan", "jabatan", "nama", "username", "password"]


@dataclass(frozen=True)
class HandoverRow:
    kode_kelurahan: str
    jabatan: str
    nama: str
    username: str
    password: str

    def as_list(self) -> list[str]:
        return [self.kode_kelurahan, self.jabatan, self.nama, self.username, self.password]


def one_time_password() -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if re.search(r"\d", password) and re.search(r"[a-z]", password) and re.search(r"[A-Z]", password):
            return password


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())[:20] or "pps"


def username_for(appointment: Appointment) -> str:
    """e.g. manggar.sekretaris, then manggar.sekretaris2 for a later holder of the same post."""
    User = get_user_model()
    base = f"{_slug(appointment.kelurahan.name)}.{appointment.role.replace('_', '')}"
    candidate, suffix = base, 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


@transaction.atomic
def portal_accounts_create(*, people=None) -> list[HandoverRow]:
    """Create accounts for active members without one; returns the handover rows (passwords in clear,
    shown once). Members who already have an account are skipped."""
    User = get_user_model()
    appointments = (
        Appointment.objects.active()
        .filter(person__user__isnull=True)
        .select_related("person", "kelurahan")
        .select_for_update(of=("self",))
        .order_by(*roster_order())
    )
    if people is not None:
        appointments = appointments.filter(person__in=people)
    rows = []
    for appointment in appointments:
        person = Person.objects.select_for_update().get(pk=appointment.person_id)
        if person.user_id:
            continue
        password = one_time_password()
        user = User(username=username_for(appointment), first_name=person.name[:150], email=person.email)
        user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
        user.save()
        person.user = user
        person.must_change_password = True
        person._change_reason = "akun portal dibuat"
        person.save()
        rows.append(
            HandoverRow(appointment.kelurahan.code, appointment.role, person.name, user.username, password)
        )
    return rows


@transaction.atomic
def portal_password_reset_by_staff(*, person: Person) -> str:
    """A new one-time password for a member who forgot theirs and has no e-mail."""
    if person.user_id is None:
        raise ValidationError(f"{person.name} belum punya akun portal; buat akunnya lebih dulu.")
    password = one_time_password()
    person.user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
    person.user.save(update_fields=["password"])
    person.must_change_password = True
    person._change_reason = "sandi portal diatur ulang"
    person.save()
    return password


@transaction.atomic
def portal_passwords_reset_by_staff(*, people) -> list[HandoverRow]:
    """New one-time passwords for those of `people` who have a portal account, as handover rows (passwords
    in clear, shown once) naming each one's latest post. Those without an account, or who never held a
    post (nothing to name on the slip), are skipped."""
    rows = []
    # Only members' portal accounts: a staff or superuser account linked to a person is never reset here.
    portal = people.filter(user__isnull=False, user__is_staff=False, user__is_superuser=False)
    for person in portal.select_related("user"):
        post = person.appointments.order_by("-start_date").select_related("kelurahan").first()
        if post is None:
            continue
        password = portal_password_reset_by_staff(person=person)
        rows.append(HandoverRow(post.kelurahan_id, post.role, person.name, person.user.username, password))
    return rows


@transaction.atomic
def portal_password_set_by_member(*, user, password: str, by_email: bool = False) -> None:
    """A password the member chose (in the portal, or through the e-mailed link): it must pass the password
    validators, and it ends the one-time password's "change it first" (audited)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    person = Person.objects.filter(user=user).first()
    if person is not None and person.must_change_password:
        person.must_change_password = False
        person._change_reason = (
            "sandi portal diatur lewat surel" if by_email else "sandi portal diganti oleh anggota"
        )
        person.save(update_fields=["must_change_password", "updated_at"])


def _handover_office(rows: list[HandoverRow]) -> Office | None:
    """The office of the members on the sheet (one office's: staff hand over their own office's)."""
    codes = {row.kode_kelurahan[:5] for row in rows}
    return Office.objects.filter(regency_id=codes.pop()).first() if len(codes) == 1 else None


def _handover_row(row: HandoverRow, place: Kelurahan | None) -> dict:
    return {
        **row.__dict__,
        "kelurahan": place.name if place else "",
        "kelurahan_kind": place.kind.label if place else "Kelurahan",  # "Desa Perian", "Kelurahan Manggar"
        "jabatan_label": post_title(row.jabatan),  # as the Petikan, the pact and the portal name it
    }


def handover_sheet_pdf(rows: list[HandoverRow], *, portal_url: str, generated=None) -> bytes:
    """The same handover sheet as a PDF of cut-out slips, one per member; `generated` (printed on it):
    now, unless a caller fixes it (the fidelity guard, tests/test_render_fidelity.py)."""
    places = {
        place.code: place for place in Kelurahan.objects.filter(code__in=[r.kode_kelurahan for r in rows])
    }
    context_rows = [_handover_row(row, places.get(row.kode_kelurahan)) for row in rows]
    office = _handover_office(rows)
    # The time on the sheet (and in its metadata) is the office's clock: WIB in Banda Aceh, WITA in
    # Balikpapan. Templates show an aware time in the current time zone, hence the override.
    zone = office.time_zone if office is not None else timezone.get_default_timezone()
    with timezone.override(zone):
        return _handover_sheet_render(context_rows, office, portal_url, timezone.localtime(generated))


def _handover_sheet_render(context_rows: list[dict], office, portal_url: str, generated) -> bytes:
    letterhead = office_letterhead(office) if office is not None else deployment_letterhead()
    metadata = PdfMetadata(
        title=f"Serah Terima Akun Portal Sekretariat PPS {letterhead['short_name']}",
        author=office_author(letterhead),
        subject="Nama pengguna dan sandi sekali pakai portal anggota",
        created=generated,
    )
    return render_pdf(
        "documents/serah_terima_akun.html",
        {
            "letterhead": letterhead,
            "rows": context_rows,
            "portal_url": portal_url,
            "generated": generated,
            # F4 whatever the decree template says: the slips are laid out for it.
            "page_css": page_css(PAPER_SIZES_MM[Paper.F4], (15, 18, 15, 18)),
        },
        metadata=metadata,
    )


# --- one unit: the passwords and the sheet that carries them ---------------------------------------------
# A one-time password exists only on its handover sheet. Written without one (the sheet's rendering
# failed), the member's old password would be gone, or an account made, with nothing to hand over: so the
# passwords are committed only once their sheet is rendered, and rolled back if it is not.


def portal_accounts_create_with_sheet(*, people, portal_url: str) -> tuple[list[HandoverRow], bytes | None]:
    """`portal_accounts_create` and its handover PDF (None when no account was made), as one unit."""
    with transaction.atomic():
        rows = portal_accounts_create(people=people)
        return rows, handover_sheet_pdf(rows, portal_url=portal_url) if rows else None


def portal_passwords_reset_with_sheet(*, people, portal_url: str) -> tuple[list[HandoverRow], bytes | None]:
    """`portal_passwords_reset_by_staff` and its handover PDF (None when nobody was reset), as one unit."""
    with transaction.atomic():
        rows = portal_passwords_reset_by_staff(people=people)
        return rows, handover_sheet_pdf(rows, portal_url=portal_url) if rows else None
