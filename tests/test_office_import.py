"""Import and export of one office's roster (issue #17, point 4): `import_members --office`, the admin
upload and `export_members --office`. A row whose kelurahan lies outside the office, or whose NIK is a
person of another office, is an error of that row, named with its row number; nothing is written."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from secretariat import identity
from secretariat.models import Appointment, Person
from secretariat.services.importing import members_import
from secretariat.services.roster_format import HEADER
from secretariat.services.staff_accounts import staff_account_set

from .factories import make_appointment, make_person, office
from .test_office_isolation import samarinda_office

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1991, 3, 14)


def row(kelurahan: str, role: str, name: str, serial: int, gender: str = "L") -> list[str]:
    nik = identity.make_nik(
        region=kelurahan.replace(".", "")[:6], birth_date=BIRTH, gender=gender, serial=serial
    )
    values = {
        "kode_kelurahan": kelurahan,
        "jabatan": role,
        "nik": nik,
        "nama": name,
        "jenis_kelamin": gender,
        "tempat_lahir": "Samarinda",
        "tanggal_lahir": BIRTH.isoformat(),
        "status_kepegawaian": "NON_ASN",
        "nip": "",
        "telepon": "081234567890",
        "email": "",
        "alamat": "",
    }
    return [values[column] for column in HEADER]


def csv_of(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.fixture
def samarinda():
    return samarinda_office()


@pytest.fixture
def samarinda_kelurahan(samarinda):
    return list(samarinda.regency.kecamatan.order_by("code").first().kelurahan.order_by("code")[:2])


def run(path, *options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_members", str(path), *options, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def state():
    return Person.objects.count(), Appointment.objects.count(), Person.history.count()


def test_rows_outside_the_office_are_named_and_nothing_is_written(tmp_path, samarinda, samarinda_kelurahan):
    inside = samarinda_kelurahan[0].code
    path = tmp_path / "samarinda.csv"
    path.write_bytes(
        csv_of(
            [
                row(inside, "sekretaris", "Sumarni Mahakamwati", 1, "P"),
                row("64.71.01.1001", "bendahara", "Rusdianto Bukitpapan", 2),
                row(inside, "bendahara", "Hendrik Tepiansari", 3),
            ]
        )
    )
    before = state()
    code, _, err = run(path, "--office", "64.72")
    assert code == 1
    assert (
        "Baris 3 (Rusdianto Bukitpapan), kolom kode_kelurahan: Kelurahan 64.71.01.1001 bukan wilayah "
        "KPU Kota Samarinda." in err
    )
    assert err.count("bukan wilayah") == 1  # the rows inside the office are fine
    assert "Peringatan" not in err  # NIKs first issued in Samarinda are no remark for KPU Kota Samarinda
    assert "1 masalah ditemukan; tidak ada data yang disimpan." in err
    assert state() == before


def test_an_import_for_an_office_writes_its_people_and_appointments_there(
    tmp_path, samarinda, samarinda_kelurahan
):
    inside = samarinda_kelurahan[0].code
    path = tmp_path / "samarinda.csv"
    newcomer = row(inside, "bendahara", "Pendatang Dari Balikpapan", 2)
    newcomer[HEADER.index("nik")] = identity.make_nik(region="647101", birth_date=BIRTH, gender="L", serial=2)
    path.write_bytes(csv_of([row(inside, "sekretaris", "Sumarni Mahakamwati", 1, "P"), newcomer]))
    code, out, err = run(path, "--office", "64.72")
    assert code == 0, err
    [warning] = err.strip().splitlines()
    assert warning.startswith(
        "Peringatan - Baris 3 (Pendatang Dari Balikpapan), kolom nik: NIK tidak diawali 6472"
    )
    assert "(diterbitkan di luar Samarinda)" in warning
    assert "Impor selesai" in out
    appointment = Appointment.objects.get(person__name="Sumarni Mahakamwati")
    assert appointment.office == samarinda == appointment.person.office
    assert appointment.kelurahan.code == inside


def test_without_office_several_offices_are_named_and_nothing_is_read(tmp_path, samarinda):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_of([row("64.71.01.1001", "sekretaris", "Rusdianto Bukitpapan", 1)]))
    with pytest.raises(CommandError) as refused:
        run(path)
    assert "64.71 (KPU Kota Balikpapan)" in str(refused.value)
    assert "64.72 (KPU Kota Samarinda)" in str(refused.value)
    # It ended "Pilih kantor yang mengimpor." without saying how a command line picks one.
    assert str(refused.value).endswith("Sebutkan kantornya dengan --office KODE, atau --all-offices.")
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "code,message",
    [("64", "KPU Provinsi"), ("99.99", "Kantor KPU dengan kode 99.99 tidak ada")],
)
def test_a_provincial_or_unknown_office_imports_nothing(tmp_path, samarinda, code, message):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_of([row("64.71.01.1001", "sekretaris", "Rusdianto Bukitpapan", 1)]))
    with pytest.raises(CommandError, match=message):
        run(path, "--office", code)
    assert Person.objects.count() == 0


def test_a_person_of_another_office_is_refused_without_telling_where_they_serve(
    samarinda, samarinda_kelurahan
):
    theirs = make_appointment(person=make_person(name="Rusdianto Bukitpapan"), kelurahan="64.71.01.1001")
    mine = row(samarinda_kelurahan[0].code, "sekretaris", "Nama Lain Sekali", 5)
    mine[HEADER.index("nik")] = theirs.person.nik
    mine[HEADER.index("tanggal_lahir")] = theirs.person.birth_date.isoformat()
    before = state()
    result = members_import(data=csv_of([mine]), dry_run=False, office=samarinda)
    [problem] = result.errors
    assert (problem.row, problem.column) == (2, "nik")
    assert "kantor KPU lain" in problem.message
    assert theirs.kelurahan.name not in str(problem) and "Balikpapan" not in str(problem)
    assert state() == before
    theirs.person.refresh_from_db()
    assert theirs.person.name == "Rusdianto Bukitpapan"


def test_the_admin_upload_imports_for_the_operators_own_office(client, samarinda, samarinda_kelurahan):
    operator = staff_account_set(
        username="operator-smd", office=samarinda, role="operator", password=None
    ).user
    client.force_login(operator)
    url = reverse("admin:secretariat_import")
    outside = io.BytesIO(csv_of([row("64.71.01.1001", "sekretaris", "Rusdianto Bukitpapan", 1)]))
    outside.name = "roster.csv"
    page = client.post(url, {"file": outside})
    assert "Kelurahan 64.71.01.1001 bukan wilayah KPU Kota Samarinda." in page.content.decode()
    assert "token" not in page.context

    inside = io.BytesIO(csv_of([row(samarinda_kelurahan[1].code, "bendahara", "Hendrik Tepiansari", 2)]))
    inside.name = "roster.csv"
    preview = client.post(url, {"file": inside})
    assert preview.context["token"]
    saved = client.post(url, {"token": preview.context["token"]})
    assert saved.status_code == 302
    assert Appointment.objects.get(person__name="Hendrik Tepiansari").office == samarinda


def test_a_superuser_of_several_offices_names_the_importing_office(
    admin_client, samarinda, samarinda_kelurahan
):
    url = reverse("admin:secretariat_import")
    assert "Kantor KPU" in admin_client.get(url).content.decode()
    upload = io.BytesIO(
        csv_of([row(samarinda_kelurahan[0].code, "sekretaris", "Sumarni Mahakamwati", 1, "P")])
    )
    upload.name = "roster.csv"
    refused = admin_client.post(url, {"file": upload})
    assert "Pilih kantor KPU yang mengimpor." in refused.content.decode()
    upload.seek(0)
    wrong = admin_client.post(url, {"file": upload, "office": office("64.71").pk})
    assert "bukan wilayah KPU Kota Balikpapan" in wrong.content.decode()
    upload.seek(0)
    preview = admin_client.post(url, {"file": upload, "office": samarinda.pk})
    assert admin_client.post(url, {"token": preview.context["token"]}).status_code == 302
    assert Appointment.objects.get(person__name="Sumarni Mahakamwati").office == samarinda


def _exported(tmp_path, *options) -> str:
    path = tmp_path / "ekspor.csv"
    call_command("export_members", str(path), *options, stdout=io.StringIO())
    return path.read_text(encoding="utf-8-sig")


def test_export_members_gives_one_offices_roster(tmp_path, samarinda, samarinda_kelurahan):
    make_appointment(person=make_person(name="Rusdianto Bukitpapan"), kelurahan="64.71.01.1001")
    make_appointment(
        person=make_person(office_code="64.72", name="Sumarni Mahakamwati", gender="P", region="647201"),
        kelurahan=samarinda_kelurahan[0].code,
    )
    only_samarinda = _exported(tmp_path, "--office", "64.72")
    assert "Sumarni Mahakamwati" in only_samarinda and "Rusdianto" not in only_samarinda
    province = _exported(tmp_path, "--office", "64")
    assert "Sumarni Mahakamwati" in province and "Rusdianto Bukitpapan" in province
    with pytest.raises(CommandError, match="64.71, 64.72"):
        _exported(tmp_path)


def test_a_national_file_goes_row_by_row_to_each_kelurahans_office(tmp_path, samarinda, samarinda_kelurahan):
    path = tmp_path / "nasional.csv"
    rows = [
        row("64.71.01.1001", "sekretaris", "Rusdianto Bukitpapan", 1),
        row(samarinda_kelurahan[0].code, "sekretaris", "Sumarni Mahakamwati", 2, "P"),
        row("64.02.01.2001", "sekretaris", "Tanpa Kantor Paser", 3),
    ]
    path.write_bytes(csv_of(rows))
    code, _, err = run(path, "--all-offices")
    assert code == 1
    assert (
        "Baris 4 (Tanpa Kantor Paser), kolom kode_kelurahan: Kabupaten/kota 64.02 belum punya kantor KPU"
        in err
    )
    assert Person.objects.count() == 0
    path.write_bytes(csv_of(rows[:2]))
    code, _, err = run(path, "--all-offices")
    assert code == 0, err
    offices = dict(Appointment.objects.values_list("person__name", "office__code"))
    assert offices == {"Rusdianto Bukitpapan": "64.71", "Sumarni Mahakamwati": "64.72"}
    assert dict(Person.objects.values_list("name", "office__code")) == offices


def test_the_template_of_an_office_gives_examples_of_its_own_region(client, samarinda, samarinda_kelurahan):
    # Samarinda's template showed Balikpapan's birth place and kelurahan code as its examples.
    import openpyxl

    from secretariat.services.roster_format import EXAMPLE_ROW

    operator = staff_account_set(username="operator-smd", office=samarinda, role="operator").user
    client.force_login(operator)
    response = client.get(reverse("admin:secretariat_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for cells in sheet.iter_rows(values_only=True)
        for value in cells
        if value is not None and value != EXAMPLE_ROW[HEADER.index("nik")]  # the sentinel the import refuses
    ]
    assert not [cell for cell in cells if "balikpapan" in cell.lower() or "64.71" in cell]
    first = samarinda.regency.kecamatan.order_by("code").first().kelurahan.order_by("code").first()
    assert f"Kode Kemendagri kelurahan, mis. {first.code} (pilih dari daftar)." in cells
