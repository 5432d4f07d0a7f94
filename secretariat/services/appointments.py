"""Business rules for appointments: create, end, replace. Every write is audited (simple-history)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Appointment, ElectionPeriod, EndReason, Person


def _save_validated(appointment: Appointment) -> Appointment:
    appointment.full_clean()
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        # Lost a race with another staff member between full_clean() and save().
        raise ValidationError(
            "Jabatan atau orang ini baru saja diangkat oleh pengguna lain. Muat ulang halaman."
        ) from exc
    return appointment


def appointment_create(
    *,
    person: Person,
    kelurahan,
    role: str,
    period: ElectionPeriod | None = None,
    start_date: dt.date | None = None,
    lurah_decree_number: str = "",
    lurah_decree_date: dt.date | None = None,
    replaces: Appointment | None = None,
) -> Appointment:
    period = period or ElectionPeriod.current()
    if period is None:
        raise ValidationError("Belum ada periode pemilihan yang berjalan.")
    appointment = Appointment(
        person=person,
        kelurahan=kelurahan,
        role=role,
        period=period,
        start_date=start_date or period.term_start,
        lurah_decree_number=lurah_decree_number,
        lurah_decree_date=lurah_decree_date,
        replaces=replaces,
    )
    return _save_validated(appointment)


def appointment_end(
    *, appointment: Appointment, end_date: dt.date, reason: str, note: str = ""
) -> Appointment:
    if not appointment.is_active:
        raise ValidationError("Pengangkatan ini sudah berakhir.")
    if reason not in EndReason.values:
        raise ValidationError("Alasan berhenti tidak dikenal.")
    if end_date > appointment.period.term_end:
        raise ValidationError(
            f"Tanggal berhenti tidak boleh sesudah akhir masa kerja ({appointment.period.term_end:%d-%m-%Y})."
        )
    appointment.end_date = end_date
    appointment.end_reason = reason
    appointment.end_note = note
    appointment._change_reason = f"diakhiri: {EndReason(reason).label}"
    return _save_validated(appointment)


@transaction.atomic
def appointment_reactivate(*, appointment: Appointment, note: str) -> Appointment:
    """Undo an "Akhiri" made by mistake: the appointment is active again, as if never ended.

    Only while nobody replaced it and the post and the person are still free; the history keeps the
    ending and its undoing."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.is_active:
        raise ValidationError("Pengangkatan ini masih aktif.")
    if Appointment.objects.filter(replaces=appointment).exists():
        raise ValidationError("Pengangkatan ini sudah diganti (PAW); pengakhirannya tidak dapat dibatalkan.")
    if not note.strip():
        raise ValidationError("Tulis alasan pembatalan untuk riwayat.")
    appointment.end_date = None
    appointment.end_reason = ""
    appointment.end_note = ""
    appointment._change_reason = f"pengakhiran dibatalkan: {note.strip()}"[:100]
    # full_clean() names whoever took the post or the person's other post in the meantime.
    return _save_validated(appointment)


def replacement_earliest_start(end_date: dt.date) -> dt.date:
    """A post has one holder a day: the replacement starts at the earliest the day after the old member's
    last day (the end date is their last day on duty)."""
    return end_date + dt.timedelta(days=1)


@transaction.atomic
def appointment_replace(
    *,
    appointment: Appointment,
    replacement: Person,
    end_date: dt.date,
    reason: str,
    lurah_decree_number: str,
    lurah_decree_date: dt.date,
    start_date: dt.date | None = None,
    note: str = "",
) -> Appointment:
    """Penggantian antarwaktu: end the old appointment and appoint the replacement to the same post,
    from `start_date` (default: the day after `end_date`; never on or before it)."""
    if not lurah_decree_number or not lurah_decree_date:
        raise ValidationError("Penggantian wajib berdasarkan Keputusan Lurah (nomor dan tanggal).")
    earliest = replacement_earliest_start(end_date)
    start_date = start_date or earliest
    if start_date < earliest:
        raise ValidationError(
            {
                "start_date": f"Pengganti mulai bertugas paling awal {earliest:%d-%m-%Y}, sehari sesudah "
                f"tanggal berhenti anggota lama ({end_date:%d-%m-%Y}): satu jabatan hanya dipegang satu "
                "orang pada satu hari."
            }
        )
    if start_date > appointment.period.term_end:
        raise ValidationError(
            {
                "start_date": "Tanggal mulai bertugas pengganti tidak boleh sesudah akhir masa kerja "
                f"({appointment.period.term_end:%d-%m-%Y})."
            }
        )
    appointment_end(appointment=appointment, end_date=end_date, reason=reason, note=note)
    return appointment_create(
        person=replacement,
        kelurahan=appointment.kelurahan,
        role=appointment.role,
        period=appointment.period,
        start_date=start_date,
        lurah_decree_number=lurah_decree_number,
        lurah_decree_date=lurah_decree_date,
        replaces=appointment,
    )
