"""Read-only queries shared by the admin pages (constant number of queries, whatever the size)."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q

from kelurahan.models import Kecamatan, Kelurahan

from .models import Appointment, ElectionPeriod, Role
from .models.scoping import scope_key


@dataclass
class KelurahanRow:
    kelurahan: Kelurahan
    cells: list  # one Appointment or None per role, in Role order

    @property
    def filled(self) -> int:
        return sum(1 for cell in self.cells if cell)


@dataclass
class KecamatanGroup:
    kecamatan: Kecamatan
    rows: list[KelurahanRow] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(row.filled for row in self.rows)

    @property
    def expected(self) -> int:
        return len(self.rows) * len(Role)


KELURAHAN_PER_PAGE = 50  # Balikpapan's 34 fit on one page; a province or the nation is paged
TOTALS_CACHE_SECONDS = 60


@dataclass
class KelurahanWindow:
    """One page of kelurahan in code order (one query, without counting them all)."""

    kelurahan: list[Kelurahan]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def is_everything(self) -> bool:
        return self.number == 1 and not self.has_next


def kelurahan_window(page, *, user=None) -> KelurahanWindow:
    """With `user`: only the kelurahan of their office(s) (kelurahan.scope); without (commands): all."""
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * KELURAHAN_PER_PAGE
    kelurahan = Kelurahan.objects.all() if user is None else Kelurahan.objects.visible_to(user)
    rows = list(
        kelurahan.select_related("kecamatan").order_by("code")[start : start + KELURAHAN_PER_PAGE + 1]
    )
    return KelurahanWindow(rows[:KELURAHAN_PER_PAGE], number, len(rows) > KELURAHAN_PER_PAGE)


def cached_totals(key: str, compute):
    """Totals over every kelurahan, for pages that show only some of them: counting 251k posts on every
    request would cost more than the rest of the page, so they are recounted once a minute."""
    return cache.get_or_set(key, compute, TOTALS_CACHE_SECONDS)


@dataclass
class Completeness:
    period: ElectionPeriod | None
    roles: list
    groups: list[KecamatanGroup]  # the kelurahan of this page, by kecamatan
    window: KelurahanWindow
    filled: int  # over every kelurahan, not only this page
    expected: int
    pacts_signed: int

    @property
    def missing_count(self) -> int:
        return self.expected - self.filled

    @property
    def missing(self) -> list[tuple[Kelurahan, str]]:
        """The empty posts of this page."""
        return [
            (row.kelurahan, role.label)
            for group in self.groups
            for row in group.rows
            for role, cell in zip(self.roles, row.cells, strict=True)
            if cell is None
        ]


def _pact_model():
    """The integrity app's Pact, reached through the appointment's reverse relation (secretariat never
    imports integrity); None without that app."""
    relation = getattr(Appointment, "pact", None)
    return relation.related.related_model if relation is not None else None


def _signed(cell) -> bool:
    return cell is not None and getattr(getattr(cell, "pact", None), "is_signed", False)


def scoped_appointments(user=None):
    """Appointments `user` may see (all without a user: commands, tests)."""
    return Appointment.objects.all() if user is None else Appointment.objects.visible_to(user)


def completeness_matrix(*, page=1, user=None) -> Completeness:
    """Kelurahan x role matrix of the current period's active appointments, grouped by kecamatan,
    KELURAHAN_PER_PAGE kelurahan at a time; totals over everything `user` may see (their office's
    kelurahan and appointments; everything without a user)."""
    period = ElectionPeriod.current()
    roles = list(Role)
    window = kelurahan_window(page, user=user)
    kelurahan = window.kelurahan
    appointments = (
        scoped_appointments(user)
        .active()
        .filter(period=period, kelurahan__in=[k.code for k in kelurahan])
        .select_related("person")
    )
    pact_model = _pact_model()
    if pact_model is not None:
        appointments = appointments.select_related("pact")
    by_post = {(a.kelurahan_id, a.role): a for a in appointments}
    groups: dict[str, KecamatanGroup] = {}
    for k in kelurahan:
        group = groups.setdefault(k.kecamatan_id, KecamatanGroup(k.kecamatan))
        group.rows.append(KelurahanRow(k, [by_post.get((k.code, role.value)) for role in roles]))
    groups_list = list(groups.values())
    if window.is_everything:
        filled = sum(group.filled for group in groups_list)
        expected = sum(group.expected for group in groups_list)
        signed = sum(_signed(cell) for group in groups_list for row in group.rows for cell in row.cells)
    else:

        def compute():
            counts = {"filled": Count("pk")}
            if pact_model is not None:
                counts["signed"] = Count("pk", filter=Q(pact__status=pact_model.Status.SIGNED))
            totals = scoped_appointments(user).active().filter(period=period).aggregate(**counts)
            regions = Kelurahan.objects.all() if user is None else Kelurahan.objects.visible_to(user)
            return totals["filled"], regions.count() * len(roles), totals.get("signed", 0)

        key = f"completeness-totals-{period and period.pk}-{scope_key(user) if user else 'all'}"
        filled, expected, signed = cached_totals(key, compute)
    return Completeness(period, roles, groups_list, window, filled, expected, signed)
