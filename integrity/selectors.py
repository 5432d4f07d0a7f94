"""Signing progress for the dashboard: three queries, whatever the roster's size (the totals over every
kelurahan, when they do not fit on one page, come from a cache refreshed once a minute)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from secretariat.models import ElectionPeriod
from secretariat.models.appointment import roster_key
from secretariat.models.scoping import scope_key
from secretariat.selectors import KelurahanWindow, cached_totals, kelurahan_window, scoped_appointments

from .models import PactStatus


@dataclass
class Tally:
    name: str
    signed: int = 0
    total: int = 0
    missing: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 0


@dataclass
class Dashboard:
    overall: Tally  # over everything; its missing list names those of this page only
    kecamatan: list[Tally]  # of the kelurahan of this page (KELURAHAN_PER_PAGE at a time)
    kelurahan: list[Tally]
    printed: int
    with_scan: int
    window: KelurahanWindow | None = None


def signing_dashboard(*, page=1, user=None) -> Dashboard:
    """The signing progress of what `user` may see (their office's kelurahan; everything without a user)."""
    period = ElectionPeriod.current()
    window = kelurahan_window(page, user=user)
    appointments = sorted(
        scoped_appointments(user)
        .active()
        .filter(period=period, kelurahan__in=[k.code for k in window.kelurahan])
        .select_related("person", "kelurahan__kecamatan", "pact"),
        key=roster_key,
    )
    overall = Tally("Keseluruhan")  # of what `user` sees: their office, or every office
    by_kecamatan: dict[str, Tally] = {}
    by_kelurahan: dict[str, Tally] = {}
    printed = with_scan = 0
    for appointment in appointments:
        pact = getattr(appointment, "pact", None)
        signed = pact is not None and pact.status == PactStatus.SIGNED
        kecamatan = appointment.kelurahan.kecamatan
        tallies = (
            overall,
            by_kecamatan.setdefault(kecamatan.code, Tally(kecamatan.name)),
            by_kelurahan.setdefault(appointment.kelurahan_id, Tally(appointment.kelurahan.name)),
        )
        for tally in tallies:
            tally.total += 1
            tally.signed += signed
            if not signed:
                tally.missing.append(appointment)
        printed += pact is not None and pact.status != PactStatus.NOT_PRINTED
        with_scan += pact is not None and bool(pact.scan)
    if not window.is_everything:
        key = f"pact-dashboard-totals-{period and period.pk}-{scope_key(user) if user else 'all'}"
        overall.signed, overall.total, printed, with_scan = cached_totals(key, lambda: _totals(period, user))
    return Dashboard(
        overall, list(by_kecamatan.values()), list(by_kelurahan.values()), printed, with_scan, window
    )


def _totals(period, user) -> tuple[int, int, int, int]:
    totals = (
        scoped_appointments(user)
        .active()
        .filter(period=period)
        .aggregate(
            signed=Count("pk", filter=Q(pact__status=PactStatus.SIGNED)),
            total=Count("pk"),
            printed=Count("pk", filter=Q(pact__isnull=False) & ~Q(pact__status=PactStatus.NOT_PRINTED)),
            with_scan=Count("pk", filter=Q(pact__isnull=False) & ~Q(pact__scan="")),
        )
    )
    return totals["signed"], totals["total"], totals["printed"], totals["with_scan"]
