"""Read-only queries shared by the admin pages (constant number of queries, whatever the size)."""

from dataclasses import dataclass, field

from kelurahan.models import Kecamatan, Kelurahan

from .models import Appointment, ElectionPeriod, Role


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


@dataclass
class Completeness:
    period: ElectionPeriod | None
    roles: list
    groups: list[KecamatanGroup]

    @property
    def filled(self) -> int:
        return sum(group.filled for group in self.groups)

    @property
    def expected(self) -> int:
        return sum(group.expected for group in self.groups)

    @property
    def pacts_signed(self) -> int:
        """Posts whose holder signed the pact (via the reverse relation of the integrity app)."""
        return sum(
            1
            for group in self.groups
            for row in group.rows
            for cell in row.cells
            if cell is not None and getattr(getattr(cell, "pact", None), "status", "") == "ditandatangani"
        )

    @property
    def missing(self) -> list[tuple[Kelurahan, str]]:
        return [
            (row.kelurahan, role.label)
            for group in self.groups
            for row in group.rows
            for role, cell in zip(self.roles, row.cells, strict=True)
            if cell is None
        ]


def completeness_matrix(*, kelurahan_codes: list[str] | None = None) -> Completeness:
    """Kelurahan x role matrix of the current period's active appointments, grouped by kecamatan."""
    period = ElectionPeriod.current()
    roles = list(Role)
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("code")
    appointments = Appointment.objects.active().filter(period=period).select_related("person")
    if hasattr(Appointment, "pact"):  # the integrity app's reverse relation (secretariat never imports it)
        appointments = appointments.select_related("pact")
    if kelurahan_codes is not None:
        kelurahan = kelurahan.filter(code__in=kelurahan_codes)
        appointments = appointments.filter(kelurahan_id__in=kelurahan_codes)
    by_post = {(a.kelurahan_id, a.role): a for a in appointments}
    groups: dict[str, KecamatanGroup] = {}
    for k in kelurahan:
        group = groups.setdefault(k.kecamatan_id, KecamatanGroup(k.kecamatan))
        group.rows.append(KelurahanRow(k, [by_post.get((k.code, role.value)) for role in roles]))
    return Completeness(period, roles, list(groups.values()))


def people_without_post(*, term: str = ""):
    """Registered people who hold no active post (candidates for a replacement), by name or NIK."""
    from django.db.models import Q

    from .models import Person

    people = Person.objects.exclude(pk__in=Appointment.objects.active().values("person_id"))
    term = term.strip()
    if term.isdigit():
        people = people.filter(nik__contains=term)
    elif term:
        people = people.filter(Q(name__icontains=term) | Q(nik__contains=term))
    return people.order_by("name", "pk")
