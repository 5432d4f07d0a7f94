"""Which appointments a decree in force lists: the rule behind the "Terbitkan SK" page and behind what the
next decree lists.

An appointment is covered when an entry of a decree with status issued lists it. `uncovered_appointments`
asks the entries themselves: it is what `decree_issue` lists, under its lock on the period.
`uncovered_count`, the page's figure, reads `Appointment.in_issued_decree` instead, through a partial index
that holds only the active appointments without it (the few the next decree will list), so the page does
not join every appointment to every decree entry.

The flag is kept by the two services that change what a decree in force lists, in their own transaction:
`decree_issue` once it has written a decree's entries, `decree_revoke` once the status is revoked. Nothing
else writes entries or decree statuses (decrees are never deleted, history reverts are refused); ending,
reactivating or replacing an appointment lists nobody, and a new appointment starts unlisted. Code that
writes entries or statuses by SQL (the bench loader) calls `listing_refresh` afterwards.
"""

from django.db.models import Exists, OuterRef, QuerySet

from ..models import Appointment, DecreeEntry, DecreeStatus, ElectionPeriod


def listed_in_force() -> Exists:
    """True for an appointment that an entry of a decree with status issued lists."""
    return Exists(DecreeEntry.objects.filter(appointment=OuterRef("pk"), decree__status=DecreeStatus.ISSUED))


def uncovered_appointments(period: ElectionPeriod) -> QuerySet[Appointment]:
    """Active appointments of the period not listed in any decree still in force."""
    return (
        Appointment.objects.active()
        .filter(period=period)
        .exclude(listed_in_force())
        .select_related("person", "kelurahan__kecamatan", "replaces__person")
    )


def uncovered_count(period: ElectionPeriod, office=None) -> int:
    """How many appointments the next decree of `office` (None: of all offices) would list:
    `uncovered_appointments(period).count()`, read from the flag (appointment_awaiting_sk_idx)."""
    appointments = Appointment.objects.active().filter(period=period, in_issued_decree=False)
    return (appointments.filter(office=office) if office is not None else appointments).count()


def listing_refresh(appointments: QuerySet[Appointment]) -> None:
    """Set `in_issued_decree` of `appointments` to what the decree entries say in this transaction. Only
    the rows whose flag changes are written (and locked)."""
    listed = listed_in_force()
    appointments.filter(listed, in_issued_decree=False).update(in_issued_decree=True)
    appointments.filter(~listed, in_issued_decree=True).update(in_issued_decree=False)
