"""`import_members`: the roster import, all or nothing.

One pass validates every row against the model's own rules and the database's current state and lists
every problem with its row number; only a file without problems is written, in one transaction.
Importing the same file twice changes nothing the second time.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from kelurahan.models import Kelurahan
from pps_admin.text import MULTI_LINE_FORBIDDEN, SINGLE_LINE_FORBIDDEN

from ..models import Appointment, ElectionPeriod, Person
from ..models.appointment import ROLE_LABELS
from . import roster_format as fmt
from .bulk_copy import analyze, create_with_history
from .spreadsheet import FORMULA_PREFIXES, Formula, SpreadsheetError, cell_text, read_rows

MAX_CELL_LENGTH = 500
ANALYZE_AFTER_ROWS = 10_000
PERSON_FIELDS = list(fmt.PERSON_FIELD_COLUMNS)
CHUNK = 5000


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number (header is row 1); None for the file as a whole
    column: str | None
    message: str

    def __str__(self):
        where = f"Baris {self.row}" if self.row else "Berkas"
        if self.column:
            where += f", kolom {self.column}"
        return f"{where}: {self.message}"


@dataclass
class PlannedRow:
    row: int
    person: Person  # unsaved, or the existing record with the file's values applied
    kelurahan: Kelurahan
    role: str
    person_action: str  # "baru" | "diperbarui" | "tetap"
    appointment_action: str  # "baru" | "tetap"

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
        return (
            f"{len(self.rows)} baris: {self.count('person_action', 'baru')} orang baru, "
            f"{self.count('person_action', 'diperbarui')} diperbarui, "
            f"{self.count('appointment_action', 'baru')} pengangkatan baru, "
            f"{self.count('appointment_action', 'tetap')} pengangkatan sudah ada"
        )


def members_import(
    *, data: bytes, dry_run: bool, user=None, reason: str = "impor anggota", max_rows: int | None = None
) -> ImportResult:
    """Validate `data` (CSV or XLSX bytes); write it only when every row is valid and not dry_run.

    `max_rows`: refuse a file with more data rows, before checking any (the admin's upload: a national file
    of 251k rows takes 28 s and 800 MB to check and two minutes to write, longer than a web request may)."""
    result = ImportResult()
    period = ElectionPeriod.current()
    if period is None:
        result.errors.append(Problem(None, None, "Belum ada periode pemilihan yang berjalan."))
        return result
    try:
        with transaction.atomic():
            _plan(data, period, result, max_rows)
            if result.ok and not dry_run and result.rows:
                _apply(result, period, user=user, reason=reason)
                result.written = True
    except SpreadsheetError as exc:
        result.errors.append(Problem(None, None, str(exc)))
    except IntegrityError as exc:
        # Someone changed the roster between our checks and the write: nothing was written.
        result.written = False
        result.errors.append(_conflict_problem(exc, result.rows))
    return result


RACE = "(data berubah saat impor ini berjalan). Tidak ada yang disimpan; periksa lalu ulangi impor."
KEY_DETAIL = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\) already exists")


def _conflict_problem(exc: IntegrityError, rows: list[PlannedRow]) -> Problem:
    """Name the row whose write collided with a concurrent change, from the unique key PostgreSQL
    reports ("Key (nik)=(...) already exists"). The key holds a NIK at times: it is only matched,
    never shown or logged."""
    diag = getattr(exc.__cause__, "diag", None)
    match = KEY_DETAIL.search(getattr(diag, "message_detail", None) or "")
    if match:
        key = dict(zip(match["columns"].split(", "), match["values"].split(", "), strict=False))
        for row in rows:
            conflict = _row_conflict(row, key)
            if conflict:
                column, what = conflict
                return Problem(row.row, column, f"{what} {RACE}")
    return Problem(None, None, "Data berubah saat impor ini berjalan. " + RACE.split(". ", 1)[1])


def _row_conflict(row: PlannedRow, key: dict[str, str]) -> tuple[str, str] | None:
    if key.keys() == {"nik"} and row.person.nik == key["nik"]:
        return "nik", f"NIK {row.person.masked_nik} baru saja didaftarkan"
    if key.keys() == {"nip"} and row.person.nip == key["nip"]:
        return "nip", f"NIP {row.person.masked_nip} baru saja didaftarkan untuk orang lain"
    if key.keys() == {"person_id"} and str(row.person.pk) == key["person_id"]:
        return "nik", f"{row.person.name} baru saja diangkat pada jabatan lain"
    if {"kelurahan_id", "role"} <= key.keys() and (row.kelurahan.code, row.role) == (
        key["kelurahan_id"],
        key["role"],
    ):
        return "jabatan", f"{row.role_label} Kelurahan {row.kelurahan.name} baru saja diisi orang lain"
    return None


def _plan(data: bytes, period: ElectionPeriod, result: ImportResult, max_rows: int | None = None) -> None:
    rows = read_rows(data)
    header_row = next(rows, None)
    if header_row is None:
        raise SpreadsheetError("Berkas kosong.")
    header = [cell_text(value).lower() for value in header_row[1]]
    while header and header[-1] == "":
        header.pop()
    if header != fmt.HEADER:
        raise SpreadsheetError(
            "Judul kolom tidak sesuai. Harus tepat: " + ",".join(fmt.HEADER) + ". Unduh templat impor."
        )

    parsed = []
    data_rows = 0  # every row that is not blank, good or not: the limit is on what must be read and checked
    for number, values in rows:
        texts = [cell_text(value) for value in values]
        formulas = [i for i, value in enumerate(values[: len(fmt.HEADER)]) if isinstance(value, Formula)]
        if formulas or any(texts):
            data_rows += 1
            if max_rows is not None and data_rows > max_rows:
                result.errors.clear()  # the rows read so far are not the point: the file goes elsewhere
                limit = f"{max_rows:,}".replace(",", ".")
                raise SpreadsheetError(
                    f"Berkas berisi lebih dari {limit} baris data, batas impor lewat halaman ini. Impor "
                    "berkas sebesar ini dengan perintah `python manage.py import_members BERKAS` di server, "
                    "atau bagi menjadi beberapa berkas."
                )
        if formulas:
            for index in formulas:
                result.errors.append(
                    Problem(
                        number,
                        fmt.HEADER[index],
                        "Sel berisi rumus Excel; ketik nilainya sebagai teks biasa.",
                    )
                )
            continue
        if not any(texts):
            continue
        if any(texts[len(fmt.HEADER) :]):
            result.errors.append(Problem(number, None, "Ada isian di luar kolom yang ditentukan."))
            continue
        texts += [""] * (len(fmt.HEADER) - len(texts))
        parsed.append((number, dict(zip(fmt.HEADER, texts, strict=False))))
    if not parsed:
        raise SpreadsheetError("Berkas tidak berisi baris data.")

    kelurahan_by_code = _kelurahan_in_file(parsed)
    candidates = []
    for number, cells in parsed:
        candidate = _parse_row(number, cells, kelurahan_by_code, result)
        if candidate:
            candidates.append(candidate)
    del parsed, rows  # the raw cells: hundreds of MB in a national-scale file

    _check_against_file_and_database(candidates, period, result)


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


def _parse_row(number, cells, kelurahan_by_code, result):
    errors_before = len(result.errors)

    def problem(column, message):
        result.errors.append(Problem(number, column, message))

    for column, value in cells.items():
        if len(value) > MAX_CELL_LENGTH:
            problem(column, f"Isian terlalu panjang (lebih dari {MAX_CELL_LENGTH} karakter).")
        elif (MULTI_LINE_FORBIDDEN if column == "alamat" else SINGLE_LINE_FORBIDDEN).search(value):
            problem(column, "Berisi karakter kendali yang tidak diizinkan.")
        elif value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
            cells[column] = value[1:]  # written so by our own export to keep formulas inert
    if len(result.errors) > errors_before:
        return None

    code = fmt.parse_kelurahan_code(cells["kode_kelurahan"])
    kelurahan = kelurahan_by_code.get(code) if code else None
    if not code:
        problem("kode_kelurahan", "Kode harus berbentuk 64.71.01.1001 atau 6471011001.")
    elif kelurahan is None:
        problem("kode_kelurahan", f"Kelurahan dengan kode {code} tidak dikenal.")
    role = fmt.parse_role(cells["jabatan"])
    if role is None:
        problem("jabatan", "Jabatan harus salah satu dari: " + ", ".join(fmt.ROLE_VALUES) + ".")
    gender = fmt.parse_gender(cells["jenis_kelamin"])
    if gender is None:
        problem("jenis_kelamin", "Isi L (laki-laki) atau P (perempuan).")
    status = fmt.parse_status(cells["status_kepegawaian"])
    if status is None:
        problem("status_kepegawaian", "Isi ASN atau NON_ASN.")
    birth_date = fmt.parse_date(cells["tanggal_lahir"])
    if birth_date is None:
        problem("tanggal_lahir", "Tanggal harus berbentuk YYYY-MM-DD, DD/MM/YYYY atau DD-MM-YYYY.")
    for column in ("nama", "tempat_lahir"):
        if not cells[column]:
            problem(column, "Wajib diisi.")

    person = Person(
        nik=cells["nik"],
        name=re.sub(r"\s+", " ", cells["nama"]).strip(),
        gender=gender or "",
        birth_place=cells["tempat_lahir"],
        birth_date=birth_date,
        employment_status=status or "",
        nip=cells["nip"],
        phone=cells["telepon"],
        email=cells["email"],
        address=cells["alamat"],
    )
    already = {p.column for p in result.errors[errors_before:]}
    try:
        person.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            column = fmt.PERSON_FIELD_COLUMNS.get(field_name)
            if column in already:
                continue  # already explained by the parsing above
            for message in messages:
                problem(column, message)
    if _has_markup(cells["tempat_lahir"]):
        problem("tempat_lahir", "Tidak boleh berisi tanda < > { } %.")

    if len(result.errors) > errors_before:
        return None
    for warning in person.warnings():
        result.warnings.append(Problem(number, "nik", warning))
    return number, person, kelurahan, role


def _has_markup(value: str) -> bool:
    return bool(re.search(r"[<>{}%]", value))


def _check_against_file_and_database(candidates, period, result):
    niks = [person.nik for _, person, _, _ in candidates]
    existing = {}
    for start in range(0, len(niks), CHUNK):
        for person in Person.objects.filter(nik__in=niks[start : start + CHUNK]):
            existing[person.nik] = person
    nips = [person.nip for _, person, _, _ in candidates if person.nip]
    nip_owner = {}
    for start in range(0, len(nips), CHUNK):
        nip_owner.update(Person.objects.filter(nip__in=nips[start : start + CHUNK]).values_list("nip", "nik"))
    active_by_post, active_by_nik = _active_holders(candidates, period)

    seen_nik, seen_nip, seen_post = {}, {}, {}
    for number, person, kelurahan, role in candidates:
        problems_before = len(result.errors)

        def problem(column, message, number=number):
            result.errors.append(Problem(number, column, message))

        post = (kelurahan.code, role)
        role_label = ROLE_LABELS[role]
        if person.nik in seen_nik:
            problem("nik", f"NIK sama dengan baris {seen_nik[person.nik]}.")
        if person.nip and person.nip in seen_nip:
            problem("nip", f"NIP sama dengan baris {seen_nip[person.nip]}.")
        if post in seen_post:
            problem(
                "jabatan",
                f"{role_label} Kelurahan {kelurahan.name} sudah diisi di baris {seen_post[post]}; "
                "satu jabatan hanya untuk satu orang.",
            )
        seen_nik.setdefault(person.nik, number)
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
        if len(result.errors) > problems_before:
            continue

        current = existing.get(person.nik)
        if current is None:
            person_action = "baru"
            record = person
        else:
            changed = [f for f in PERSON_FIELDS if getattr(current, f) != getattr(person, f)]
            for f in changed:
                setattr(current, f, getattr(person, f))
            person_action = "diperbarui" if changed else "tetap"
            record = current
        appointment_action = "tetap" if held else "baru"
        result.rows.append(PlannedRow(number, record, kelurahan, role, person_action, appointment_action))


@dataclass(frozen=True)
class _Holder:
    """An active appointment, as much of it as the checks need (tuples, not model instances: at national
    scale these are hundreds of thousands of rows)."""

    nik: str
    person_name: str
    kelurahan_code: str
    kelurahan_name: str
    role: str


_HOLDER_FIELDS = ("person__nik", "person__name", "kelurahan_id", "kelurahan__name", "role")


def _active_holders(candidates, period):
    """Active appointments of the file's posts (this period) and of the file's people (any period),
    fetched in chunks of the file's own keys."""
    active = Appointment.objects.active()
    codes = sorted({kelurahan.code for _, _, kelurahan, _ in candidates})
    by_post = {}
    for start in range(0, len(codes), CHUNK):
        rows = active.filter(period=period, kelurahan_id__in=codes[start : start + CHUNK])
        for values in rows.values_list(*_HOLDER_FIELDS):
            holder = _Holder(*values)
            by_post[(holder.kelurahan_code, holder.role)] = holder
    niks = [person.nik for _, person, _, _ in candidates]
    by_nik = {}
    for start in range(0, len(niks), CHUNK):
        rows = active.filter(person__nik__in=niks[start : start + CHUNK])
        for values in rows.values_list(*_HOLDER_FIELDS):
            by_nik[values[0]] = _Holder(*values)
    return by_post, by_nik


def _apply(result: ImportResult, period: ElectionPeriod, *, user, reason: str) -> None:
    new_people = [row.person for row in result.rows if row.person_action == "baru"]
    for row in result.rows:
        if row.person_action == "baru":
            # Someone first appointed to a synthetic kelurahan is synthetic too (seed_synthetic --csv):
            # `seed_synthetic --remove` then finds them by the marker.
            row.person.synthetic = row.kelurahan.synthetic
    changed_people = [row.person for row in result.rows if row.person_action == "diperbarui"]
    if new_people:
        create_with_history(new_people, Person, user=user, reason=reason)
    if changed_people:
        # bulk_update skips auto_now: set "diubah" by hand so the record shows the import changed it.
        now = timezone.now()
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
            period=period,
            start_date=period.term_start,
        )
        for row in result.rows
        if row.appointment_action == "baru"
    ]
    if new_appointments:
        create_with_history(new_appointments, Appointment, user=user, reason=reason)
    if len(new_people) + len(new_appointments) >= ANALYZE_AFTER_ROWS:
        # A large load: fresh statistics, and no cached foreign-key check plan from when tables were small.
        analyze(Person, Appointment)
