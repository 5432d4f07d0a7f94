"""Roster export (same format as the import) and the import template spreadsheet."""

import io

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

from kelurahan.models import Kelurahan

from ..identity import mask_nik
from ..models import ElectionPeriod, Office
from ..selectors import scoped_appointments
from . import roster_format as fmt
from .spreadsheet import neutralize_formula, text_columns, write_csv, write_xlsx


def roster_rows(
    period: ElectionPeriod | None = None,
    *,
    full_nik: bool = False,
    user=None,
    offices: list[Office] | None = None,
) -> list[list[str]]:
    """Active appointments of the period, in kecamatan / kelurahan / role order: those `user` may see and,
    with `offices`, of those offices only (everything without either: a single-office command). With
    `full_nik` off the NIKs are masked (6471********0001): a copy for reading, which the import refuses."""
    period = period or ElectionPeriod.current()
    appointments = scoped_appointments(user)
    if offices is not None:
        appointments = appointments.filter(office__in=offices)
    appointments = (
        appointments.active()
        .filter(period=period)
        .select_related("person", "kelurahan")
        .order_by("kelurahan_id")
    )
    order = {role: index for index, role in enumerate(fmt.ROLE_VALUES)}
    ordered = sorted(appointments, key=lambda a: (a.kelurahan_id, order[a.role]))
    return [
        [
            a.kelurahan.code,
            a.role,
            a.person.nik if full_nik else mask_nik(a.person.nik),
            a.person.name,
            a.person.gender,
            a.person.birth_place,
            fmt.format_date(a.person.birth_date),
            a.person.employment_status,
            a.person.nip,
            a.person.phone,
            a.person.email,
            a.person.address,
            a.lurah_decree_number,
            fmt.format_date(a.lurah_decree_date),
        ]
        for a in ordered
    ]


def roster_csv(period=None, *, full_nik: bool = False, user=None, offices=None) -> bytes:
    rows = roster_rows(period, full_nik=full_nik, user=user, offices=offices)
    return write_csv(fmt.FULL_HEADER, rows)


def roster_xlsx(period=None, *, full_nik: bool = False, user=None, offices=None) -> bytes:
    rows = roster_rows(period, full_nik=full_nik, user=user, offices=offices)
    return write_xlsx(fmt.FULL_HEADER, rows, sheet_title="Anggota")


EXAMPLE_ROW = fmt.EXAMPLE_ROW

COLUMN_HELP = [
    ("kode_kelurahan", "Kode Kemendagri kelurahan, mis. 64.71.01.1001 (pilih dari daftar)."),
    ("jabatan", "sekretaris, bendahara atau staf_teknis."),
    ("nik", "16 digit, sesuai KTP. Tulis sebagai teks."),
    ("nama", "Nama lengkap sesuai KTP, boleh dengan gelar."),
    ("jenis_kelamin", "L atau P; harus sesuai NIK (tanggal lahir perempuan + 40)."),
    ("tempat_lahir", "Kota/kabupaten tempat lahir."),
    ("tanggal_lahir", "YYYY-MM-DD, DD/MM/YYYY atau DD-MM-YYYY; harus sesuai NIK."),
    ("status_kepegawaian", "ASN atau NON_ASN."),
    ("nip", "18 digit untuk ASN; kosongkan untuk NON_ASN."),
    ("telepon", "Nomor HP, mis. 081234567890."),
    ("email", "Opsional."),
    ("alamat", "Opsional."),
    ("nomor_sk_lurah", "Opsional: nomor Keputusan Lurah yang mengangkat orang ini (dasar pengangkatan)."),
    (
        "tanggal_sk_lurah",
        "Opsional, diisi bersama nomornya: tanggal Keputusan Lurah, format seperti tanggal_lahir; tidak "
        "boleh sesudah mulai bertugas. Kosong: dasar yang sudah tercatat tidak diubah.",
    ),
]


def _example_row(kelurahan: list[Kelurahan]) -> list[str]:
    """The example row, in one of the listed kelurahan (an office elsewhere gets an example of its own)."""
    row = list(EXAMPLE_ROW)
    code = fmt.HEADER.index("kode_kelurahan")
    if kelurahan and row[code] not in {k.code for k in kelurahan}:
        first = kelurahan[0]
        row[code] = first.code
        row[fmt.HEADER.index("alamat")] = f"Jl. Contoh No. 1, {first.name}"
        place = first.kecamatan.regency.name.removeprefix("Kota ").removeprefix("Kabupaten ")
        row[fmt.HEADER.index("tempat_lahir")] = place  # "Samarinda", "Kutai Kartanegara"
    return row


def _column_help(example_code: str) -> list[tuple[str, str]]:
    """The guide's rows, its kelurahan example taken from the example row (the office's own region)."""
    first = ("kode_kelurahan", f"Kode Kemendagri kelurahan, mis. {example_code} (pilih dari daftar).")
    return [first, *COLUMN_HELP[1:]]


def template_xlsx(*, user=None) -> bytes:
    """Header, one example row and drop-down lists so staff never guess the format; the kelurahan listed
    are those of `user`'s office(s) (all without a user)."""
    regions = Kelurahan.objects.all() if user is None else Kelurahan.objects.visible_to(user)
    kelurahan = list(regions.select_related("kecamatan__regency").order_by("code"))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Anggota"
    sheet.append(fmt.FULL_HEADER)
    example = _example_row(kelurahan)
    sheet.append([neutralize_formula(value) for value in example])
    text_columns(sheet, len(fmt.FULL_HEADER), widths={1: 18, 3: 20, 4: 28, 9: 22, 12: 36, 13: 30, 14: 18})

    reference = workbook.create_sheet("Referensi")
    reference.append(
        ["kode_kelurahan", "kelurahan", "kecamatan", "jabatan", "jenis_kelamin", "status_kepegawaian"]
    )
    lists = [fmt.ROLE_VALUES, fmt.GENDER_VALUES, fmt.STATUS_VALUES]
    for index in range(max(len(kelurahan), *(len(values) for values in lists))):
        k = kelurahan[index] if index < len(kelurahan) else None
        reference.append(
            [
                k.code if k else None,
                k.name if k else None,
                k.kecamatan.name if k else None,
                *[values[index] if index < len(values) else None for values in lists],
            ]
        )
    text_columns(reference, 6, widths={1: 18, 2: 24, 3: 22, 4: 14, 5: 14, 6: 18})

    rows = 2000
    validations = [
        ("A", f"Referensi!$A$2:$A${len(kelurahan) + 1}", "kode_kelurahan"),
        ("B", f"Referensi!$D$2:$D${len(fmt.ROLE_VALUES) + 1}", "jabatan"),
        ("E", f"Referensi!$E$2:$E${len(fmt.GENDER_VALUES) + 1}", "jenis_kelamin"),
        ("H", f"Referensi!$F$2:$F${len(fmt.STATUS_VALUES) + 1}", "status_kepegawaian"),
    ]
    for column, source, label in validations:
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Isian tidak sah",
            error=f"Pilih {label} dari daftar.",
        )
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{rows}")

    guide = workbook.create_sheet("Petunjuk")
    guide.append(["kolom", "cara mengisi"])
    for row in _column_help(example[fmt.HEADER.index("kode_kelurahan")]):
        guide.append(list(row))
    guide.append([])
    guide.append(
        ["", "Satu baris per orang. Hapus baris contoh (Siti Contoh Saja): impor menolaknya bila tertinggal."]
    )
    guide.append(
        ["", "Impor bersifat semua-atau-tidak-sama-sekali: satu baris salah, tidak ada yang disimpan."]
    )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
