"""What a member sees on their home page: only their own assignment, history and documents."""

from dataclasses import dataclass, field

from ..models import Appointment, Document, DocumentKind, DocumentStatus, KeyDate, Person
from ..models.appointment import roster_key
from .content import duties_of


@dataclass
class AppointmentView:
    appointment: Appointment
    decrees: list = field(default_factory=list)  # (decree, petikan Document or None)
    pact: object = None  # the integrity app's Pact, through the reverse relation, or None
    pact_document: Document | None = None


@dataclass
class Overview:
    person: Person
    current: AppointmentView | None
    history: list[AppointmentView]
    teammates: list[Appointment]
    duties: list[str]
    key_dates: list[KeyDate]


def member_overview(person: Person) -> Overview:
    appointments = list(
        person.appointments.select_related("kelurahan__kecamatan", "period", "replaces__person", "office")
        .prefetch_related("decree_entries__decree")
        .order_by("-start_date", "-pk")
    )
    has_pact = hasattr(Appointment, "pact")
    if has_pact:
        pacts = {
            a.pk: getattr(a, "pact", None)
            for a in Appointment.objects.filter(pk__in=[a.pk for a in appointments]).select_related(
                "pact__document"
            )
        }
    documents = {
        (d.decree_id, d.appointment_id): d
        for d in Document.objects.filter(
            appointment__in=appointments, kind=DocumentKind.PETIKAN, status=DocumentStatus.DONE
        )
    }
    views = []
    for appointment in appointments:
        view = AppointmentView(appointment)
        for entry in sorted(appointment.decree_entries.all(), key=lambda e: e.decree.decree_date):
            view.decrees.append((entry.decree, documents.get((entry.decree_id, appointment.pk))))
        if has_pact:
            view.pact = pacts.get(appointment.pk)
            document = getattr(view.pact, "document", None)
            if document is not None and document.status == DocumentStatus.DONE:
                view.pact_document = document
        views.append(view)
    current = next((v for v in views if v.appointment.is_active), None)
    teammates, duties, key_dates = [], [], []
    if current:
        appointment = current.appointment
        teammates = sorted(
            Appointment.objects.active()
            .filter(kelurahan_id=appointment.kelurahan_id, period_id=appointment.period_id)
            .exclude(pk=appointment.pk)
            .select_related("person"),
            key=roster_key,
        )
        duties = duties_of(appointment.role, appointment.office)
        key_dates = list(appointment.period.key_dates.filter(office_id=appointment.office_id))
    return Overview(person, current, [v for v in views if v is not current], teammates, duties, key_dates)
