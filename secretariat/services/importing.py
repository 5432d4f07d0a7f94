"""`import_members`: the roster import, all or nothing.

One pass validates every row against the model's own rules and the database's current state and lists
every problem with its row number; only a file without problems is written, in one transaction.
Importing the same file twice changes nothing the second time.
"""

import dataclasses
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from kelurahan.models import Kelurahan

from ..models import Appointment, ElectionPeriod, Office, Person
from ..models.appointment import ROLE_LABELS
from . import roster_format as fmt
from .bulk_copy import analyze, create_with_history
from .import_conflicts import conflict_problem
from .import_office import OTHER_OFFICE, RowOffices, import_office
from .import_rows import (
    MAX_CELL_LENGTH,
    Candidate,
    Problem,
    display_name,
    first_rows_of_nik,
    indonesian_date,
    parse_row,
    read_table,
)
from .spreadsheet import SpreadsheetError

__all__ = ["MAX_CELL_LENGTH", "ImportResult", "PlannedRow", "Problem", "import_office", "members_import"]

ANALYZE_AFTER_ROWS = 10_000
PERSON_FIELDS = list(fmt.PERSON_FIELD_COLUMNS)
CHUNK = 5000


@dataclass
class PlannedRow:
    row: int
    person: Person  # unsaved, or the existing record with the file's values applied
    kelurahan: Kelurahan
    role: str
    person_action: str  # "baru" | "diperbarui" | "tetap"
    appointment_action: str  # "baru" | "diperbarui" (its Lurah decree) | "tetap"
    lurah_decree_number: str = ""  # as written on the appointment; "" = not recorded
    lurah_decree_date: object = None
    appointment_pk: int | None = None  # the existing appointment, when there is one
    office: Office | None = None  # whose row it is (the kelurahan's kabupaten/kota's office)

    @property
    def masked_nik(self):
        return self.person.masked_nik

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass
class ImportResult:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, attr: str, value: str) -> int:
        return sum(1 for row in self.rows if getattr(row, attr) == value)

    @property
    def summary(self) -> str:
        updated = self.count("appointment_action", "diperbarui")
        return (
            f"{len(self.rows)} baris: {self.count('person_action', 'baru')} orang baru, "
            f"{self.count('person_action', 'diperbarui')} diperbarui, "
            f"{self.count('appointment_action', 'baru')} pengangkatan baru, "
            f"{self.count('appointment_action', 'tetap') + updated} pengangkatan sudah ada"
            + (f" ({updated} dengan SK Lurah diperbarui)" if updated else "")
        )


def members_import(
    *,
    data: bytes,
    dry_run: bool,
    user=None,
    reason: str = "impor anggota",
    max_rows: int | None = None,
    office: Office | None = None,
    every_office: bool = False,
) -> ImportResult:
    """Validate `data` (CSV or XLSX bytes) for `office` (without one: the deployment's only office); write
    it only when every row is valid and not dry_run. A row whose kelurahan lies outside the office's
    kabupaten/kota, or whose NIK belongs to a person of another office, is an error of that row.
    `every_office` (a national file, `import_members --all-offices`): each row is its kelurahan's office's,
    and a row of a kabupaten/kota without an office is an error.

    `max_rows`: refuse a file with more data rows, before checking any (the admin's upload: a national file
    of 251k rows takes far longer and more memory to check and write than a web request may have;
    bench/RESULTS.md, "Import")."""
    result = ImportResult()
    try:
        offices = RowOffices(None if every_office else import_office(office))
    except ValidationError as exc:
        result.errors.append(Problem(None, None, " ".join(exc.messages)))
        return result
    period = ElectionPeriod.current()
    if period is None:
        result.errors.append(Problem(None, None, "Belum ada periode pemilihan yang berjalan."))
        return result
    names: dict[int, str] = {}  # row -> its nama as written, to name each row's problems
    try:
        with transaction.atomic():
            _plan(data, period, result, max_rows, names, offices)
            if result.ok and not dry_run and result.rows:
                _apply(result, period, user=user, reason=reason)
                result.written = True
    except SpreadsheetError as exc:
        result.errors.append(Problem(exc.row, None, str(exc)))
    except IntegrityError as exc:
        # Someone changed the roster between our checks and the write: nothing was written.
        result.written = False
        result.errors.append(conflict_problem(exc, result.rows))
    result.errors = _named(result.errors, names)
    result.warnings = _named(result.warnings, names)
    return result


def _named(problems: list[Problem], names: dict[int, str]) -> list[Problem]:
    return [
        dataclasses.replace(p, name=display_name(names[p.row])) if p.row in names and names[p.row] else p
        for p in problems
    ]


def _plan(data, period, result: ImportResult, max_rows: int | None, names: dict[int, str], offices) -> None:
    _, parsed = read_table(data, result.errors, max_rows, names)
    if not parsed and not result.errors:
        # Only when nothing at all was found: a file whose one row is a formula has a row, and its problem.
        raise SpreadsheetError("Berkas tidak berisi baris data.")

    kelurahan_by_code = _kelurahan_in_file(parsed)
    duplicate_of = first_rows_of_nik(parsed)
    candidates = []
    for number, cells in parsed:
        candidate = parse_row(
            number,
            cells,
            kelurahan_by_code=kelurahan_by_code,
            errors=result.errors,
            warnings=result.warnings,
            duplicate_of=duplicate_of.get(number),
            names=names,
            office=offices.office,
        )
        if candidate:
            candidates.append(candidate)
    del parsed  # the raw cells: hundreds of MB in a national-scale file

    _check_against_file_and_database(candidates, period, result, offices)


def _kelurahan_in_file(parsed) -> dict[str, Kelurahan]:
    """Only the kelurahan the file names (the table may hold 83,763 of them)."""
    codes = sorted({fmt.parse_kelurahan_code(cells["kode_kelurahan"]) for _, cells in parsed} - {None})
    found = {}
    for start in range(0, len(codes), CHUNK):
        for kelurahan in Kelurahan.objects.select_related("kecamatan").filter(
            code__in=codes[start : start + CHUNK]
        ):
            found[kelurahan.code] = kelurahan
    return found


def _check_against_file_and_database(candidates: list[Candidate], period, result, offices: RowOffices):
    niks = [c.person.nik for c in candidates]
    existing = {}
    for start in range(0, len(niks), CHUNK):
        for person in Person.objects.filter(nik__in=niks[start : start + CHUNK]):
            existing[person.nik] = person
    nips = [c.person.nip for c in candidates if c.person.nip]
    nip_owner = {}
    for start in range(0, len(nips), CHUNK):
        nip_owner.update(Person.objects.filter(nip__in=nips[start : start + CHUNK]).values_list("nip", "nik"))
    active_by_post, active_by_nik = _active_holders(candidates, period)

    seen_nip, seen_post = {}, {}  # a NIK written twice is found before (first_rows_of_nik)
    for candidate in candidates:
        number, person, kelurahan, role = candidate.row, candidate.person, candidate.kelurahan, candidate.role
        problems_before = len(result.errors)

        def problem(column, message, number=number):
            result.errors.append(Problem(number, column, message))

        office = offices.of(kelurahan)
        if office is None:
            problem(
                "kode_kelurahan",
                f"Kabupaten/kota {kelurahan.kecamatan.regency_id} belum punya kantor KPU di aplikasi.",
            )
            continue
        current = existing.get(person.nik)
        if current is not None and current.office_id != office.pk:
            # Nothing more about them: their posts are another office's business.
            problem("nik", OTHER_OFFICE)
            continue
        post = (kelurahan.code, role)
        role_label = ROLE_LABELS[role]
        if person.nip and person.nip in seen_nip:
            problem("nip", f"NIP sama dengan baris {seen_nip[person.nip]}.")
        if post in seen_post:
            problem(
                "jabatan",
                f"{role_label} Kelurahan {kelurahan.name} sudah diisi di baris {seen_post[post]}; "
                "satu jabatan hanya untuk satu orang.",
            )
        if person.nip:
            seen_nip.setdefault(person.nip, number)
        seen_post.setdefault(post, number)

        if person.nip and nip_owner.get(person.nip, person.nik) != person.nik:
            problem("nip", "NIP ini sudah terdaftar untuk orang lain (NIK berbeda).")
        holder = active_by_post.get(post)
        if holder and holder.nik != person.nik:
            problem(
                "jabatan",
                f"{role_label} Kelurahan {kelurahan.name} sudah dijabat {holder.person_name}. "
                "Akhiri pengangkatan itu lebih dulu (penggantian antarwaktu).",
            )
        held = active_by_nik.get(person.nik)
        if held and (held.kelurahan_code, held.role) != post:
            problem(
                "nik",
                f"Orang ini sudah menjabat {ROLE_LABELS[held.role]} di Kelurahan "
                f"{held.kelurahan_name}; satu orang hanya boleh memegang satu jabatan.",
            )
        start_date = held.start_date if held else period.term_start
        if candidate.lurah_decree_date and candidate.lurah_decree_date > start_date:
            problem(
                "tanggal_sk_lurah",
                f"SK Lurah bertanggal {indonesian_date(candidate.lurah_decree_date)} harus terbit sebelum "
                f"mulai bertugas ({indonesian_date(start_date)}).",
            )
        if len(result.errors) > problems_before:
            continue

        if current is None:
            person_action = "baru"
            record = person
        else:
            changed = [f for f in PERSON_FIELDS if getattr(current, f) != getattr(person, f)]
            for f in changed:
                setattr(current, f, getattr(person, f))
            person_action = "diperbarui" if changed else "tetap"
            record = current
        result.rows.append(_planned(candidate, record, person_action, held, office))


def _planned(candidate: Candidate, record: Person, person_action: str, held, office: Office) -> PlannedRow:
    """The row's plan. A Lurah decree left blank keeps what the appointment has (an import never erases
    a recorded basis); one written in the file is recorded."""
    decree = (candidate.lurah_decree_number, candidate.lurah_decree_date)
    if held is None:
        action, pk = "baru", None
    else:
        action, pk = "tetap", held.pk
        if not decree[0]:
            decree = (held.lurah_decree_number, held.lurah_decree_date)
        elif decree != (held.lurah_decree_number, held.lurah_decree_date):
            action = "diperbarui"
    return PlannedRow(
        candidate.row, record, candidate.kelurahan, candidate.role, person_action, action, *decree, pk, office
    )


@dataclass(frozen=True)
class _Holder:
    """An active appointment, as much of it as the checks need (tuples, not model instances: at national
    scale these are hundreds of thousands of rows)."""

    nik: str
    person_name: str
    kelurahan_code: str
    kelurahan_name: str
    role: str
    pk: int
    start_date: object
    lurah_decree_number: str
    lurah_decree_date: object


_HOLDER_FIELDS = (
    "person__nik",
    "person__name",
    "kelurahan_id",
    "kelurahan__name",
    "role",
    "pk",
    "start_date",
    "lurah_decree_number",
    "lurah_decree_date",
)


def _active_holders(candidates: list[Candidate], period):
    """Active appointments of the file's posts (this period) and of the file's people (any period),
    fetched in chunks of the file's own keys."""
    active = Appointment.objects.active()
    codes = sorted({c.kelurahan.code for c in candidates})
    by_post = {}
    for start in range(0, len(codes), CHUNK):
        rows = active.filter(period=period, kelurahan_id__in=codes[start : start + CHUNK])
        for values in rows.values_list(*_HOLDER_FIELDS):
            holder = _Holder(*values)
            by_post[(holder.kelurahan_code, holder.role)] = holder
    niks = [c.person.nik for c in candidates]
    by_nik = {}
    for start in range(0, len(niks), CHUNK):
        rows = active.filter(person__nik__in=niks[start : start + CHUNK])
        for values in rows.values_list(*_HOLDER_FIELDS):
            by_nik[values[0]] = _Holder(*values)
    return by_post, by_nik


def _apply(result: ImportResult, period: ElectionPeriod, *, user, reason: str) -> None:
    # Every row's kelurahan lies in its office's kabupaten/kota, every known person is that office's.
    for row in result.rows:
        if row.person_action == "baru":
            row.person.office = row.office
    new_people = [row.person for row in result.rows if row.person_action == "baru"]
    changed_people = [row.person for row in result.rows if row.person_action == "diperbarui"]
    if new_people:
        create_with_history(new_people, Person, user=user, reason=reason)
    # bulk_update skips auto_now: set "diubah" by hand so the record shows the import changed it.
    now = timezone.now()
    if changed_people:
        for person in changed_people:
            person.updated_at = now
        bulk_update_with_history(
            changed_people,
            Person,
            fields=[*PERSON_FIELDS, "updated_at"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
        )
    new_appointments = [
        Appointment(
            person=row.person,
            kelurahan=row.kelurahan,
            role=row.role,
            office=row.office,
            period=period,
            start_date=period.term_start,
            lurah_decree_number=row.lurah_decree_number,
            lurah_decree_date=row.lurah_decree_date,
        )
        for row in result.rows
        if row.appointment_action == "baru"
    ]
    if new_appointments:
        create_with_history(new_appointments, Appointment, user=user, reason=reason)
    decrees = [row for row in result.rows if row.appointment_action == "diperbarui"]
    _update_lurah_decrees(decrees, now, user, reason)
    if len(new_people) + len(new_appointments) >= ANALYZE_AFTER_ROWS:
        # A large load: fresh statistics, and no cached foreign-key check plan from when tables were small.
        analyze(Person, Appointment)


def _update_lurah_decrees(rows: list[PlannedRow], now, user, reason: str) -> None:
    by_pk = {row.appointment_pk: row for row in rows}
    pks = list(by_pk)
    for start in range(0, len(pks), CHUNK):
        appointments = list(Appointment.objects.filter(pk__in=pks[start : start + CHUNK]))
        for appointment in appointments:
            row = by_pk[appointment.pk]
            appointment.lurah_decree_number = row.lurah_decree_number
            appointment.lurah_decree_date = row.lurah_decree_date
            appointment.updated_at = now
        bulk_update_with_history(
            appointments,
            Appointment,
            fields=["lurah_decree_number", "lurah_decree_date", "updated_at"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
        )
