"""Signing progress for the dashboard: two queries, whatever the roster's size."""

from dataclasses import dataclass, field

from secretariat.models import Appointment, ElectionPeriod
from secretariat.models.appointment import ROLE_ORDER

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
    overall: Tally
    kecamatan: list[Tally]
    kelurahan: list[Tally]
    printed: int
    with_scan: int


def signing_dashboard() -> Dashboard:
    period = ElectionPeriod.current()
    appointments = sorted(
        Appointment.objects.active()
        .filter(period=period)
        .select_related("person", "kelurahan__kecamatan", "pact"),
        key=lambda a: (a.kelurahan_id, ROLE_ORDER[a.role]),
    )
    overall = Tally("Kota Balikpapan")
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
    return Dashboard(overall, list(by_kecamatan.values()), list(by_kelurahan.values()), printed, with_scan)
