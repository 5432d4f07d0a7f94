"""Issuing and revoking appointment decrees (SK). Numbers are allocated under a row lock, so two staff
issuing at the same moment never get the same number; the database's unique constraint backs that up."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL

from ..models import (
    Appointment,
    Decree,
    DecreeEntry,
    DecreeNumberSequence,
    DecreeStatus,
    DecreeTemplate,
    ElectionPeriod,
)
from ..models.appointment import ROLE_ORDER
from ..models.decree import PAPER_SIZES_MM
from .documents import job_create_for_decree
from .letterhead import letterhead_snapshot

ORDINALS = [
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
    "KESEBELAS",
    "KEDUA BELAS",
    "KETIGA BELAS",
    "KEEMPAT BELAS",
    "KELIMA BELAS",
]


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def uncovered_appointments(period: ElectionPeriod):
    """Active appointments of the period not listed in any decree still in force."""
    covered = DecreeEntry.objects.filter(appointment=OuterRef("pk"), decree__status=DecreeStatus.ISSUED)
    return (
        Appointment.objects.active()
        .filter(period=period)
        .exclude(Exists(covered))
        .select_related("person", "kelurahan__kecamatan", "replaces__person")
    )


def uncovered_count(period: ElectionPeriod) -> int:
    """How many appointments the next decree would list: `uncovered_appointments(period).count()`.

    On PostgreSQL, triggers keep a column `in_issued_decree` on every appointment (migration 0012) and a
    partial index holds exactly the active ones without it, so this reads those few index entries
    instead of joining every appointment to every decree entry (87 ms at 251k appointments). Elsewhere
    (SQLite, `make run`) there is no such column and the anti-join is counted.
    """
    if connection.vendor != "postgresql":
        return uncovered_appointments(period).count()
    awaiting = RawSQL(  # noqa: S611 (constant SQL, no user input)
        f"NOT {connection.ops.quote_name(Appointment._meta.db_table)}.in_issued_decree",
        (),
        output_field=BooleanField(),
    )
    return Appointment.objects.active().filter(period=period).filter(awaiting).count()


def ordered(appointments) -> list[Appointment]:
    """Lampiran order: kecamatan, kelurahan (by code), then sekretaris, bendahara, staf teknis."""
    return sorted(appointments, key=lambda a: (a.kelurahan_id, ROLE_ORDER[a.role], a.pk or 0))


def _indonesian_date(value: dt.date) -> str:
    from django.utils import formats, translation

    with translation.override("id"):
        return formats.date_format(value, "j F Y")


def text_snapshot(template: DecreeTemplate, period: ElectionPeriod) -> dict:
    """Everything an issued decree needs to render again exactly as issued."""
    placeholders = {
        "{mulai_tugas}": _indonesian_date(period.term_start),
        "{akhir_tugas}": _indonesian_date(period.term_end),
        "{hari_pemungutan}": _indonesian_date(period.vote_date),
        "{periode}": period.name,
    }

    def fill(text):
        for key, value in placeholders.items():
            text = text.replace(key, value)
        return text

    width, height = PAPER_SIZES_MM[template.paper]
    return {
        "issuer": template.issuer,
        "number_format": template.number_format,
        "title": " ".join(lines(template.title)),
        "considerations": lines(template.considerations),
        "legal_basis": lines(template.legal_basis),
        "observations": lines(template.observations),
        "dictums": [fill(line) for line in lines(template.dictums)],
        "petikan_dictum": fill(" ".join(lines(template.petikan_dictum))),
        "petikan_closing": template.petikan_closing.strip(),
        "place": template.place,
        "signer_title": template.signer_title,
        "signer_name": template.signer_name,
        "authenticator_title": template.authenticator_title,
        "authenticator_name": template.authenticator_name,
        # In full: an official's NIP is printed whole under the signature on decrees.
        "authenticator_nip": template.authenticator_nip,
        "paper": template.paper,
        "page_mm": [width, height],
        "margins_mm": [
            template.margin_top_mm,
            template.margin_right_mm,
            template.margin_bottom_mm,
            template.margin_left_mm,
        ],
        "letterhead": letterhead_snapshot(template),
    }


def format_number(number_format: str, sequence: int, year: int) -> str:
    return number_format.format(n=sequence, yyyy=year)


def _allocate_sequence(year: int) -> int:
    """Take the next number of `year` under a row lock (the caller holds a transaction)."""
    for _ in range(3):
        sequence = DecreeNumberSequence.objects.select_for_update().filter(year=year).first()
        if sequence is None:
            try:
                with transaction.atomic():
                    DecreeNumberSequence.objects.create(year=year, next_number=1)
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            continue
        taken = Decree.objects.filter(year=year).order_by("-sequence").values_list("sequence", flat=True)
        number = max(sequence.next_number, (taken.first() or 0) + 1)
        sequence.next_number = number + 1
        sequence.save(update_fields=["next_number"])
        return number
    raise RuntimeError("could not lock the decree number sequence")


def _check_decree_date(decree_date: dt.date, appointments: list[Appointment]) -> None:
    """The KPU decree appoints people the Lurah already chose, from their start date: it cannot be
    dated before a Lurah decree it rests on, nor before a member starts (a typo in the year, usually)."""
    problems = []
    checks = [
        ("tanggal mulai bertugas", "start_date"),
        ("tanggal Keputusan Lurah yang menjadi dasarnya", "lurah_decree_date"),
    ]
    for label, attr in checks:
        late = sorted(
            (a for a in appointments if getattr(a, attr) and getattr(a, attr) > decree_date),
            key=lambda a: getattr(a, attr),
            reverse=True,
        )
        if late:
            names = ", ".join(f"{a.person.name} ({_indonesian_date(getattr(a, attr))})" for a in late[:3])
            more = f" dan {len(late) - 3} lainnya" if len(late) > 3 else ""
            problems.append(
                f"Tanggal SK ({_indonesian_date(decree_date)}) lebih awal dari {label}: {names}{more}. "
                f"Tanggal SK paling awal {_indonesian_date(getattr(late[0], attr))}."
            )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def decree_issue(
    *,
    decree_date: dt.date,
    user=None,
    template: DecreeTemplate | None = None,
    period: ElectionPeriod | None = None,
) -> Decree | None:
    """Issue one Keputusan for every active appointment not yet covered; None when there is none.

    Creates the decree, its lampiran entries and a generation job; rendering starts after commit.
    """
    period = period or ElectionPeriod.current()
    if period is None:
        raise ValidationError("Belum ada periode pemilihan yang berjalan.")
    # Serialise issuing per period: the second of two concurrent requests sees the first one's entries.
    # NO KEY UPDATE: an appointment written meanwhile checks at its commit that its period exists (KEY
    # SHARE); FOR UPDATE would make it wait for this issue, which may wait for that appointment: deadlock.
    ElectionPeriod.objects.select_for_update(no_key=True).get(pk=period.pk)
    template = template or DecreeTemplate.active()
    if template is None:
        raise ValidationError("Belum ada templat SK yang dipakai. Buat di menu Templat SK.")
    appointments = ordered(uncovered_appointments(period))
    if not appointments:
        return None
    _check_decree_date(decree_date, appointments)
    sequence = _allocate_sequence(decree_date.year)
    text = text_snapshot(template, period)
    decree = Decree.objects.create(
        number=format_number(text["number_format"], sequence, decree_date.year),
        year=decree_date.year,
        sequence=sequence,
        decree_date=decree_date,
        period=period,
        template=template,
        text=text,
        created_by=user,
    )
    DecreeEntry.objects.bulk_create(
        DecreeEntry(decree=decree, appointment=appointment, position=index)
        for index, appointment in enumerate(appointments, start=1)
    )
    job_create_for_decree(decree=decree, user=user)
    return decree


@transaction.atomic
def decree_revoke(*, decree: Decree, revoked_date: dt.date, reason: str, user=None) -> Decree:
    """Dicabut: the decree stays on record with its number; its appointments become uncovered again,
    so the next issue gives them a corrected decree with a new number."""
    decree = Decree.objects.select_for_update().get(pk=decree.pk)
    if decree.is_revoked:
        raise ValidationError("SK ini sudah dicabut.")
    if not reason.strip():
        raise ValidationError("Alasan pencabutan wajib diisi.")
    if revoked_date < decree.decree_date:
        raise ValidationError("Tanggal pencabutan tidak boleh sebelum tanggal SK.")
    decree.status = DecreeStatus.REVOKED
    decree.revoked_date = revoked_date
    decree.revoked_reason = reason.strip()
    decree.revoked_by = user
    decree._change_reason = "dicabut"
    decree.save()
    return decree


def decree_preview_pdf(*, decree_date: dt.date, template: DecreeTemplate | None = None) -> bytes:
    """How the Keputusan would look if issued now, without issuing anything (rolled back)."""
    from pps_admin.rendering import render_pdf

    from ..models import DocumentKind
    from .documents import decree_pdf_metadata, keputusan_context

    with transaction.atomic():
        _skip_coverage_recount()
        decree = decree_issue(decree_date=decree_date, template=template)
        if decree is None:
            period = ElectionPeriod.current()
            template = template or DecreeTemplate.active()
            if period is None or template is None:
                raise ValidationError("Belum ada periode berjalan atau templat SK.")
            decree = Decree(
                number=format_number(template.number_format, 0, decree_date.year),
                year=decree_date.year,
                sequence=0,
                decree_date=decree_date,
                period=period,
                text=text_snapshot(template, period),
            )
            context = {**keputusan_context_empty(decree), "preview": True}
        else:
            context = {**keputusan_context(decree), "preview": True}
        pdf = render_pdf(
            "documents/keputusan.html", context, metadata=decree_pdf_metadata(decree, DocumentKind.KEPUTUSAN)
        )
        transaction.set_rollback(True)
    return pdf


def _skip_coverage_recount() -> None:
    """In the preview's transaction, which is rolled back, the triggers of migration 0012 need not keep
    `in_issued_decree`: without this they would lock every appointment the preview lists while the PDF
    renders. A local setting, so the rollback (of the transaction or of its savepoint) undoes it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('secretariat.preview_transaction', pg_current_xact_id()::text, true)"
            )


def keputusan_context_empty(decree: Decree) -> dict:
    from .documents import _base_context

    return {**_base_context(decree), "groups": [], "count": 0}
