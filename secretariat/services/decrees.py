"""Issuing and revoking appointment decrees (SK). Numbers are allocated under a row lock, so two staff
issuing at the same moment never get the same number; the database's unique constraint backs that up."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import (
    Appointment,
    Decree,
    DecreeEntry,
    DecreeKind,
    DecreeNumberSequence,
    DecreeStatus,
    DecreeTemplate,
    ElectionPeriod,
    Office,
)
from ..models.appointment import roster_key
from . import decree_kinds_text
from .decree_coverage import listing_refresh, uncovered_appointments
from .decree_documents import job_create_for_decree, keputusan_pdf
from .decree_text import fill, indonesian_date, placeholders
from .letterhead import letterhead_snapshot
from .offices import office_by_code
from .page_layout import paper_snapshot
from .signing import job_passphrase_store


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def ordered(appointments) -> list[Appointment]:
    """Lampiran order: kecamatan, kelurahan (by code), then sekretaris, bendahara, staf teknis."""
    return sorted(appointments, key=lambda a: (*roster_key(a), a.pk or 0))


def text_snapshot(
    template: DecreeTemplate,
    period: ElectionPeriod,
    *,
    kind: str = DecreeKind.APPOINTMENT,
    replacements=(),
    revoked=(),
) -> dict:
    """Everything an issued decree needs to render again exactly as issued. A replacement decree's text
    names the `replacements` it lists; a decree listing members of `revoked` decrees revokes them."""
    values = placeholders(template, period)

    def points(text):
        return [fill(line, values) for line in lines(text)]

    text = {
        "issuer": template.issuer,
        "number_format": template.number_format,
        "title": " ".join(points(template.title)),
        "considerations": points(template.considerations),
        "legal_basis": points(template.legal_basis),
        "observations": points(template.observations),
        "dictums": points(template.dictums),
        # Kept apart too, so the issue page can tell when a new decree would reuse the same minutes.
        "plenary_minutes": {
            "number": template.plenary_minutes_number.strip(),
            "date": template.plenary_minutes_date.isoformat() if template.plenary_minutes_date else None,
        },
        "petikan_dictum": " ".join(points(template.petikan_dictum)),
        "petikan_closing": template.petikan_closing.strip(),
        "place": template.place,
        "signer_title": template.signer_title,
        "signer_name": template.signer_name,
        "authenticator_title": template.authenticator_title,
        "authenticator_name": template.authenticator_name,
        # In full: an official's NIP is printed whole under the signature on decrees.
        "authenticator_nip": template.authenticator_nip,
        **paper_snapshot(template),
        "letterhead": letterhead_snapshot(template),
    }
    return decree_kinds_text.apply_kind_and_revocation(
        text,
        template=template,
        kind=kind,
        replacements=replacements,
        revoked=revoked,
        fill=lambda line: fill(line, values),
        lines=lines,
    )


def format_number(number_format: str, sequence: int, year: int) -> str:
    return number_format.format(n=sequence, yyyy=year)


def _allocate_sequence(office: Office, year: int) -> int:
    """Take `office`'s next number of `year` under a row lock (the caller holds a transaction)."""
    for _ in range(3):
        sequence = DecreeNumberSequence.objects.select_for_update().filter(office=office, year=year).first()
        if sequence is None:
            try:
                with transaction.atomic():
                    DecreeNumberSequence.objects.create(office=office, year=year, next_number=1)
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            continue
        taken = (
            Decree.objects.filter(office=office, year=year)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
        )
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
            names = ", ".join(f"{a.person.name} ({indonesian_date(getattr(a, attr))})" for a in late[:3])
            more = f" dan {len(late) - 3} lainnya" if len(late) > 3 else ""
            problems.append(
                f"Tanggal SK ({indonesian_date(decree_date)}) lebih awal dari {label}: {names}{more}. "
                f"Tanggal SK paling awal {indonesian_date(getattr(late[0], attr))}."
            )
    if problems:
        raise ValidationError(problems)


def pending_batches(appointments: list[Appointment]) -> list[tuple[str, list[Appointment]]]:
    """The decrees that `appointments` (uncovered, in lampiran order) need, in the order they are issued:
    one main decree for the appointments, then one replacement (PAW) decree per first day of duty, so that
    each PAW decree's term dictum starts on the day its replacements start."""
    decreed = decree_kinds_text.decreed_ids(appointments)
    main, by_start = [], {}
    for appointment in appointments:
        if decree_kinds_text.is_replacement_for_decree(appointment, decreed):
            by_start.setdefault(appointment.start_date, []).append(appointment)
        else:
            main.append(appointment)
    batches = [(DecreeKind.APPOINTMENT, main)] if main else []
    return batches + [(DecreeKind.REPLACEMENT, by_start[day]) for day in sorted(by_start)]


@transaction.atomic
def decree_issue(
    *,
    decree_date: dt.date,
    user=None,
    template: DecreeTemplate | None = None,
    period: ElectionPeriod | None = None,
    office: Office | None = None,
) -> Decree | None:
    """Issue `office`'s next Keputusan the uncovered active appointments need; None when there is none.

    That is the main decree for all of them, unless some are replacements of members appointed by a
    decree: those get a replacement (PAW) decree of their own, issued by the next call (`decrees_issue`
    issues all at once). A decree listing members of a revoked decree says in its text that it revokes it.
    Creates the decree, its lampiran entries and a generation job; rendering starts after commit.
    """
    decree = _decree_write(
        decree_date=decree_date, user=user, template=template, period=period, office=office
    )
    if decree is not None:
        listing_refresh(Appointment.objects.filter(decrees=decree))
    return decree


def issuing_office(office: Office | None, template: DecreeTemplate | None = None) -> Office:
    """The office that issues: the one named, else the template's, else the deployment's only office
    (refused, naming the offices, when there are several)."""
    return office or (template.office if template is not None else None) or office_by_code(None)


def _check_signer(template: DecreeTemplate) -> None:
    # A new office's template starts without its Ketua's name (services/office_texts.py): a decree issued
    # so would carry an unsigned signature block for good.
    if not template.signer_name.strip():
        raise ValidationError(
            f"Nama penanda tangan (Ketua) pada Templat SK {template.office.short_name} belum diisi. "
            "Isi di menu Templat SK sebelum menerbitkan SK."
        )


def _decree_write(
    *, decree_date: dt.date, user, template, period, office=None, preview: bool = False
) -> Decree | None:
    """`decree_issue` but for the listed members' `in_issued_decree`, which the preview leaves alone: it
    rolls the decree back, and writing the flag would lock every member it lists while its PDF renders.
    Nor does the preview make the generation job (it renders only the Keputusan, unsigned, here)."""
    period = period or ElectionPeriod.current()
    if period is None:
        raise ValidationError("Belum ada periode pemilihan yang berjalan.")
    office = issuing_office(office, template)
    # Serialise issuing per office: the second of two concurrent requests sees the first one's entries,
    # while other offices issue at the same time. NO KEY UPDATE: an appointment written meanwhile checks
    # at its commit that its office exists (KEY SHARE); FOR UPDATE would make it wait for this issue,
    # which may wait for that appointment: deadlock.
    Office.objects.select_for_update(no_key=True).get(pk=office.pk)
    template = template or DecreeTemplate.active(office)
    if template is None or template.office_id != office.pk:
        raise ValidationError("Belum ada templat SK yang dipakai kantor ini. Buat di menu Templat SK.")
    _check_signer(template)
    appointments = ordered(uncovered_appointments(period).filter(office=office))
    if not appointments:
        return None
    kind, appointments = pending_batches(appointments)[0]
    _check_decree_date(decree_date, appointments)
    sequence = _allocate_sequence(office, decree_date.year)
    revoked = decree_kinds_text.revoked_to_cite([appointment.pk for appointment in appointments])
    text = text_snapshot(
        template,
        period,
        kind=kind,
        replacements=appointments if kind == DecreeKind.REPLACEMENT else (),
        revoked=revoked,
    )
    decree = Decree.objects.create(
        office=office,
        number=format_number(text["number_format"], sequence, decree_date.year),
        year=decree_date.year,
        sequence=sequence,
        decree_date=decree_date,
        period=period,
        template=template,
        kind=kind,
        text=text,
        created_by=user,
    )
    decree.revokes.set(revoked)
    DecreeEntry.objects.bulk_create(
        DecreeEntry(decree=decree, appointment=appointment, position=index)
        for index, appointment in enumerate(appointments, start=1)
    )
    if not preview:
        job_create_for_decree(decree=decree, user=user)
    return decree


@transaction.atomic
def decrees_issue(
    *,
    decree_date: dt.date,
    user=None,
    template: DecreeTemplate | None = None,
    period: ElectionPeriod | None = None,
    office: Office | None = None,
) -> list[Decree]:
    """Every decree the uncovered appointments need (main and replacement decrees), with consecutive
    numbers, all or none: one refused (a date check) issues nothing. [] when there is nothing to do."""
    issued = []
    while (
        decree := decree_issue(
            decree_date=decree_date, user=user, template=template, period=period, office=office
        )
    ) is not None:
        issued.append(decree)
    return issued


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
    listing_refresh(Appointment.objects.filter(decrees=decree))
    return decree


def decree_preview_pdf(
    *, decree_date: dt.date, template: DecreeTemplate | None = None, office: Office | None = None
) -> bytes:
    """How the Keputusan would look if issued now, without issuing anything (rolled back)."""
    with transaction.atomic():
        decree = _decree_write(
            decree_date=decree_date, user=None, template=template, period=None, office=office, preview=True
        )
        if decree is None:  # nobody to list: the text alone, on an unsaved decree
            office = issuing_office(office, template)
            period = ElectionPeriod.current()
            template = template or DecreeTemplate.active(office)
            if period is None or template is None:
                raise ValidationError("Belum ada periode berjalan atau templat SK.")
            # The number the office would take next (rolled back with the rest), not "NOMOR 0".
            sequence = _allocate_sequence(office, decree_date.year)
            decree = Decree(
                office=office,
                number=format_number(template.number_format, sequence, decree_date.year),
                year=decree_date.year,
                sequence=sequence,
                decree_date=decree_date,
                period=period,
                text=text_snapshot(template, period),
            )
        pdf = keputusan_pdf(decree, preview=True)
        transaction.set_rollback(True)
    return pdf


def decrees_issue_signed(
    *, decree_date: dt.date, user=None, passphrase: str | None = None, office: Office | None = None
):
    """`decrees_issue`, keeping the signer's passphrase (when signing asks for one) for every job it made,
    in the same transaction: the workers see a job only once its passphrase is stored."""
    with transaction.atomic():
        decrees = decrees_issue(decree_date=decree_date, user=user, office=office)
        if passphrase is not None:
            for decree in decrees:
                for job in decree.jobs.all():
                    job_passphrase_store(job=job, passphrase=passphrase)
    return decrees
