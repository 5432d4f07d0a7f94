"""The figures of the provincial and national overviews (issue #17.3): per kabupaten/kota office, and per
province summed over its offices.

- Posts filled: the office's active appointments of the current period, out of 3 posts (sekretaris,
  bendahara, staf teknis) in every desa/kelurahan of its kabupaten/kota.
- Pacts signed: of those appointments, the ones whose integrity pact is signed.
- Decrees in force: the office's decrees that are issued and not revoked.
- Last activity: the latest change of an appointment, the latest decree, the latest pact recorded.

Per office, each figure is a correlated subquery in the one SELECT of the page (50 offices a page); per
province, one grouped aggregate per table for the page's provinces. Either way a constant number of
queries whatever the number of offices, and every query reads its rows through `visible_to(user)`, the
one scoping rule: a figure never counts rows its reader may not see. Pacts are reached through the
appointment's reverse relation, as every secretariat page does (secretariat never imports integrity).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kelurahan.models import Kelurahan, Province

from .models import Appointment, Decree, DecreeStatus, ElectionPeriod, OfficeKind, Role
from .models.scoping import offices_visible_to

POSTS_PER_KELURAHAN = len(Role)


@dataclass(frozen=True)
class Keys:
    """How a row of the outer list is matched in the subqueries: `office` is the path from an appointment
    or a decree to the outer row's `ref`, `kelurahan` the path from a kelurahan to its `kelurahan_ref`."""

    office: str
    ref: str
    kelurahan: str
    kelurahan_ref: str


PER_OFFICE = Keys(office="office", ref="pk", kelurahan="kecamatan__regency", kelurahan_ref="regency")


def _pact_status_signed() -> str | None:
    relation = getattr(Appointment, "pact", None)
    return relation.related.related_model.Status.SIGNED if relation is not None else None


def _per_row(queryset: QuerySet, key: str, ref: str, aggregate):
    grouped = queryset.filter(**{key: OuterRef(ref)}).order_by().values(key)
    return Subquery(grouped.annotate(value=aggregate).values("value"))


def _count(queryset: QuerySet, key: str, ref: str):
    return Coalesce(_per_row(queryset, key, ref, Count("*")), 0, output_field=IntegerField())


def rollup_annotations(user, keys: Keys) -> dict:
    """The annotations of the figures, for a queryset of offices."""
    period = ElectionPeriod.current()
    appointments = Appointment.objects.visible_to(user)
    active = appointments.active()
    if period is not None:
        active = active.filter(period=period)
    signed = _pact_status_signed()
    kelurahan = Kelurahan.objects.filter(kecamatan__regency__kpu_office__in=offices_visible_to(user))
    annotations = {
        "rollup_kelurahan": _count(kelurahan, keys.kelurahan, keys.kelurahan_ref),
        "rollup_filled": _count(active, keys.office, keys.ref),
        "rollup_signed": _count(active.filter(pact__status=signed), keys.office, keys.ref)
        if signed is not None
        else Value(0),
        "rollup_decrees": _count(
            Decree.objects.visible_to(user).filter(status=DecreeStatus.ISSUED), keys.office, keys.ref
        ),
        "rollup_last_appointment": _per_row(appointments, keys.office, keys.ref, Max("updated_at")),
        "rollup_last_decree": _per_row(
            Decree.objects.visible_to(user), keys.office, keys.ref, Max("created_at")
        ),
    }
    if signed is not None:
        annotations["rollup_last_pact"] = _per_row(
            appointments, keys.office, keys.ref, Max("pact__recorded_at")
        )
    return annotations


def offices_with_rollups(queryset: QuerySet, user) -> QuerySet:
    """`queryset` of offices with the figures of each (zero for a provincial office, which owns no rows:
    its province's sums are in `provinces_with_rollups`)."""
    return queryset.annotate(**rollup_annotations(user, PER_OFFICE))


def provinces_with_offices(user) -> QuerySet:
    """The provinces that hold a kabupaten/kota office `user` may see (figures: `province_rollups_add`)."""
    offices = offices_visible_to(user).filter(kind=OfficeKind.REGENCY)
    return (
        Province.objects.visible_to(user)
        .filter(Exists(offices.filter(province=OuterRef("code"))))
        .order_by("code")
    )


def province_rollups_add(user, provinces: list) -> None:
    """Give each of `provinces` the sums of its offices' figures and how many they are.

    Grouped aggregates, one query per source table for the whole list (correlated subqueries per
    province read the nation's appointments once per province: 11 s at national scale, bench/RESULTS.md)."""
    codes = [province.code for province in provinces]
    offices = offices_visible_to(user).filter(kind=OfficeKind.REGENCY, province__in=codes)
    period = ElectionPeriod.current()
    current = Q(end_date__isnull=True) & (Q(period=period) if period is not None else Q())
    signed = _pact_status_signed()
    appointment_sums = {
        "rollup_filled": Count("pk", filter=current),
        "rollup_last_appointment": Max("updated_at"),
    }
    if signed is not None:
        appointment_sums["rollup_signed"] = Count("pk", filter=current & Q(pact__status=signed))
        appointment_sums["rollup_last_pact"] = Max("pact__recorded_at")
    grouped = [
        offices.values("province").annotate(rollup_offices=Count("pk")),
        Kelurahan.objects.filter(kecamatan__regency__kpu_office__in=offices)
        .values("kecamatan__regency__province")
        .annotate(rollup_kelurahan=Count("*")),
        Appointment.objects.visible_to(user)
        .filter(office__in=offices)
        .values("office__province")
        .annotate(**appointment_sums),
        Decree.objects.visible_to(user)
        .filter(office__in=offices)
        .values("office__province")
        .annotate(
            rollup_decrees=Count("pk", filter=Q(status=DecreeStatus.ISSUED)),
            rollup_last_decree=Max("created_at"),
        ),
    ]
    figures: dict[str, dict] = {code: {} for code in codes}
    for queryset in grouped:
        for row in queryset.order_by():
            key = next(name for name in row if not name.startswith("rollup_"))
            figures[row.pop(key)].update(row)
    defaults = {"rollup_offices": 0, "rollup_kelurahan": 0, "rollup_filled": 0, "rollup_signed": 0}
    defaults["rollup_decrees"] = 0
    for province in provinces:
        for name, value in {**defaults, **figures[province.code]}.items():
            setattr(province, name, value)


def posts_expected(row) -> int:
    return row.rollup_kelurahan * POSTS_PER_KELURAHAN


def last_activity(row):
    """The latest of the row's last appointment change, decree and pact record (None: nothing yet)."""
    moments = [
        getattr(row, name, None)
        for name in ("rollup_last_appointment", "rollup_last_decree", "rollup_last_pact")
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None
