"""`load_regions`: the nation's regions from the shipped Kemendagri list (issue #17, item 1).

The shipped file itself is used for one province (64) and for the whole nation; small files written here
stand for a later edition of the list (renamed regions, new postal codes) and for broken files.
"""

import io
import lzma
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kelurahan.models import Kecamatan, Kelurahan, Province, Regency, VillageKind
from kelurahan.region_data import KECAMATAN, KELURAHAN
from kelurahan.regions_file import DEFAULT_PATH, Region, read_regions, write_regions

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Kalimantan Timur in Kepmendagri 300.2.2-2138/2025 (as in 2022): 10 kabupaten/kota, 105 kecamatan, 1,038
# desa/kelurahan.
KALTIM = {"provinsi": 1, "kabupaten/kota": 10, "kecamatan": 105, "desa/kelurahan": 1038}
# Balikpapan's codes and postal codes are the same in both decrees; six names are written apart in 2025.
# The migration keeps the 2022 spelling, a load brings the 2025 one (kelurahan/region_data.py).
BALIKPAPAN_2025_NAMES = {
    "64.71.03.1002": "Gunung Samarinda",
    "64.71.03.1004": "Muara Rapak",
    "64.71.03.1005": "Gunung Samarinda Baru",
    "64.71.04.1001": "Gunung Sari Ulu",
    "64.71.04.1002": "Gunung Sari Ilir",
    "64.71.05.1006": "Gunung Bahagia",
}


def load(*args, **options) -> str:
    out = io.StringIO()
    call_command("load_regions", *args, stdout=out, **options)
    return out.getvalue()


def state() -> dict:
    """Every stored region with every column, to compare before and after."""
    return {
        "provinces": list(Province.objects.values_list()),
        "regencies": list(Regency.objects.values_list()),
        "kecamatan": list(Kecamatan.objects.values_list()),
        "kelurahan": list(Kelurahan.objects.values_list()),
    }


def balikpapan_after_a_load(before: list) -> list:
    """`before` (rows of balikpapan()) as a load of the 2025 decree leaves it: six names respelled."""
    rows = []
    for code, name, official_name, *rest in before:
        new_name = BALIKPAPAN_2025_NAMES.get(code)
        if new_name and name == official_name:
            name = new_name
        rows.append((code, name, new_name or official_name, *rest))
    return rows


def balikpapan() -> list:
    return sorted(
        Kelurahan.objects.filter(code__startswith="64.71.").values_list(
            "code", "name", "official_name", "postal_code", "kecamatan_id", "kecamatan__regency_id"
        )
    )


def balikpapan_file(tmp_path, *, changes=None, extra=()) -> Path:
    """Balikpapan as a regions file, with `changes` {code: Region} applied and `extra` regions added."""
    regions = {
        "64": Region("64", "Kalimantan Timur"),
        "64.71": Region("64.71", "Balikpapan"),
        **{code: Region(code, name) for code, name in KECAMATAN},
        **{code: Region(code, name, postal) for code, name, postal in KELURAHAN},
    }
    regions.update(changes or {})
    regions.update({region.code: region for region in extra})
    path = tmp_path / "regions.csv.xz"
    write_regions(path, ["Berkas uji"], regions.values())
    return path


def counts() -> dict:
    return {
        "provinsi": Province.objects.count(),
        "kabupaten/kota": Regency.objects.count(),
        "kecamatan": Kecamatan.objects.count(),
        "desa/kelurahan": Kelurahan.objects.count(),
    }


def test_loading_one_province_adds_it_around_balikpapan_and_keeps_balikpapan_s_codes():
    before = balikpapan()
    assert {code: name for code, name, *_ in before if code in BALIKPAPAN_2025_NAMES} == {
        "64.71.03.1002": "Gunungsamarinda",
        "64.71.03.1004": "Muararapak",
        "64.71.03.1005": "Gunungsamarinda Baru",
        "64.71.04.1001": "Gunungsari Ulu",
        "64.71.04.1002": "Gunungsari Ilir",
        "64.71.05.1006": "Gunungbahagia",
    }  # the migration's 2022 spelling
    output = load("64")
    assert counts() == KALTIM
    # Same codes, parents and postal codes; the six names the 2025 decree writes apart follow it.
    assert balikpapan() == balikpapan_after_a_load(before) != before
    assert "desa/kelurahan: 1.004 baru, 6 nama diperbarui, 28 tetap" in output
    assert "kabupaten/kota: 9 baru, 0 nama diperbarui, 1 tetap" in output
    samarinda = Regency.objects.get(code="64.72")
    assert str(samarinda) == "Kota Samarinda" and samarinda.province_id == "64"
    assert str(Regency.objects.get(code="64.01")) == "Kabupaten Paser"
    assert Kecamatan.objects.filter(regency=samarinda).count() == 10
    # Every loaded row under its parent, with the decree's name as its official name.
    assert not Kecamatan.objects.exclude(regency_id__in=Regency.objects.values("code")).exists()
    assert all(k.code.startswith(k.regency_id + ".") for k in Kecamatan.objects.all())
    assert not Kecamatan.objects.filter(official_name="").exists()
    assert not Kelurahan.objects.filter(official_name="").exists()
    assert Kelurahan.objects.get(code="64.72.01.1001").official_name == "Rawa Makmur"


def test_desa_and_kelurahan_are_told_apart_by_their_code():
    load("64")
    desa = Kelurahan.objects.get(code="64.01.01.2009")
    assert desa.kind == VillageKind.DESA and desa.head_title() == "Kepala Desa"
    kelurahan = Kelurahan.objects.get(code="64.72.01.1001")
    assert kelurahan.kind == VillageKind.KELURAHAN and kelurahan.head_title() == "Lurah"
    assert Kelurahan.objects.filter(code__regex=r"\.2\d{3}$").count() == 841  # desa in Kalimantan Timur


def test_a_staff_edit_of_a_balikpapan_name_survives_the_2025_spelling():
    Kelurahan.objects.filter(code="64.71.03.1002").update(name="Gn. Samarinda")
    output = load("64")
    kelurahan = Kelurahan.objects.get(code="64.71.03.1002")
    assert (kelurahan.name, kelurahan.official_name) == ("Gn. Samarinda", "Gunung Samarinda")
    assert "desa/kelurahan: 1.004 baru, 6 nama diperbarui, 28 tetap, 1 nama suntingan staf dipertahankan" in (
        output
    )


def test_papua_barat_daya_loads_as_province_96_with_its_six_kabupaten_kota():
    output = load("96")
    assert str(Province.objects.get(code="96")) == "Papua Barat Daya"
    assert [str(r) for r in Regency.objects.filter(province_id="96").order_by("code")] == [
        "Kabupaten Sorong",
        "Kabupaten Sorong Selatan",
        "Kabupaten Raja Ampat",
        "Kabupaten Tambrauw",
        "Kabupaten Maybrat",
        "Kota Sorong",
    ]
    assert Kecamatan.objects.filter(code__startswith="96.").count() == 132
    assert Kelurahan.objects.filter(code__startswith="96.").count() == 1013
    assert not Kelurahan.objects.filter(code__startswith="96.", postal_code="").exists()
    assert "kabupaten/kota: 6 baru, 0 nama diperbarui, 0 tetap" in output


# Rows of the 2022 decree (Kepmendagri 100.1.1-6117/2022, as the file shipped before) that the 2025 decree
# codes differently: Kabupaten Sorong was 92.01 under Papua Barat, now 96.01 under Papua Barat Daya; Tohiti
# Sari was a desa of kecamatan 72.01.09 Toili, now 72.01.24.2007 "Tohitisari" of the new Toili Jaya.
OLD_DECREE_ROWS = [
    Region("64", "Kalimantan Timur"),
    Region("64.71", "Balikpapan"),
    Region("72", "Sulawesi Tengah"),
    Region("72.01", "Banggai"),
    Region("72.01.09", "Toili"),
    Region("72.01.09.2012", "Tohiti Sari", "94764"),
    Region("92", "Papua Barat"),
    Region("92.01", "Sorong"),
    Region("92.01.01", "Makbon"),
    Region("92.01.01.1001", "Makbon", "98452"),
]


def test_the_2025_file_over_a_load_of_the_2022_one_keeps_the_old_codes_and_adds_the_new(tmp_path):
    """The loader never deletes or re-codes: a database loaded with the 2022 file keeps its 92.01 Sorong
    (and whatever refers to it) beside the new 96.01 Sorong; the old codes are counted as not in the file."""
    old_path = tmp_path / "wilayah-2022.csv.xz"
    write_regions(old_path, ["Kepmendagri No. 100.1.1-6117 Tahun 2022 (sebagian)"], OLD_DECREE_ROWS)
    load(file=old_path)
    output = load("64", "72", "92", "96")

    assert Regency.objects.get(code="92.01").name == "Sorong"  # old code kept, under Papua Barat
    assert Kelurahan.objects.get(code="92.01.01.1001").kecamatan.regency.province_id == "92"
    assert str(Regency.objects.get(code="96.01")) == "Kabupaten Sorong"
    assert Kelurahan.objects.get(code="96.01.01.1001").name == "Makbon"
    assert Kelurahan.objects.filter(code="72.01.09.2012", name="Tohiti Sari").exists()
    assert Kelurahan.objects.get(code="72.01.24.2007").name == "Tohitisari"
    assert "provinsi: 1 baru, 0 nama diperbarui, 3 tetap" in output
    assert "kabupaten/kota: 34 baru, 0 nama diperbarui, 2 tetap, 1 tidak ada di berkas (dibiarkan)" in output
    assert "kecamatan: 498 baru, 0 nama diperbarui, 7 tetap, 1 tidak ada di berkas (dibiarkan)" in output
    assert "desa/kelurahan: 4.858 baru, 6 nama diperbarui, 28 tetap, 2 tidak ada di berkas" in output
    assert "Tidak ada perubahan" in load("64", "72", "92", "96")


def test_a_second_run_changes_nothing_and_says_so():
    load("64")
    before = state()
    output = load("64")
    assert state() == before
    assert "Tidak ada perubahan: semua wilayah sudah sesuai berkas" in output
    assert "desa/kelurahan: 0 baru, 0 nama diperbarui, 1.038 tetap" in output


def test_staff_names_are_kept_and_the_rest_follows_a_new_edition_of_the_list(tmp_path):
    Kelurahan.objects.filter(code="64.71.01.1001").update(name="Manggar (nama staf)")
    Kecamatan.objects.filter(code="64.71.02").update(name="Balikpapan Barat (nama staf)")
    Kelurahan.objects.filter(code="64.71.01.1003").update(postal_code="")
    Kelurahan.objects.filter(code="64.71.01.1004").update(postal_code="76199")  # corrected by staff
    path = balikpapan_file(
        tmp_path,
        changes={
            "64": Region("64", "Kalimantan Timur (edisi baru)"),
            "64.71.01.1001": Region("64.71.01.1001", "Manggar Raya", "76116"),
            "64.71.01.1002": Region("64.71.01.1002", "Lamaru Baru", "76117"),
            "64.71.01.1004": Region("64.71.01.1004", "Manggar Baru", "76116"),
            "64.71.02": Region("64.71.02", "Balikpapan Barat Baru"),
            "64.71.03": Region("64.71.03", "Balikpapan Utara Baru"),
        },
    )
    output = load(file=path)

    manggar = Kelurahan.objects.get(code="64.71.01.1001")
    assert (manggar.name, manggar.official_name) == ("Manggar (nama staf)", "Manggar Raya")
    lamaru = Kelurahan.objects.get(code="64.71.01.1002")
    assert (lamaru.name, lamaru.official_name) == ("Lamaru Baru", "Lamaru Baru")
    barat = Kecamatan.objects.get(code="64.71.02")
    assert (barat.name, barat.official_name) == ("Balikpapan Barat (nama staf)", "Balikpapan Barat Baru")
    assert Kecamatan.objects.get(code="64.71.03").name == "Balikpapan Utara Baru"
    assert Province.objects.get(code="64").name == "Kalimantan Timur (edisi baru)"
    assert Kelurahan.objects.get(code="64.71.01.1003").postal_code == "76118"  # filled in
    assert Kelurahan.objects.get(code="64.71.01.1004").postal_code == "76199"  # kept
    assert "provinsi: 0 baru, 1 nama diperbarui, 0 tetap" in output
    assert "kecamatan: 0 baru, 2 nama diperbarui, 4 tetap, 1 nama suntingan staf dipertahankan" in output
    assert (
        "desa/kelurahan: 0 baru, 2 nama diperbarui, 31 tetap, 1 kode pos diisi, "
        "1 nama suntingan staf dipertahankan" in output
    )
    assert "Tidak ada perubahan" in load(file=path)


def test_it_never_deletes_and_never_changes_a_code(tmp_path):
    kecamatan = Kecamatan.objects.get(code="64.71.01")
    Kelurahan.objects.create(code="64.71.01.1099", kecamatan=kecamatan, name="Ditambah Staf")
    path = balikpapan_file(tmp_path, extra=[Region("64.71.01.1005", "Kelurahan Baru", "76116")])
    output = load(file=path)
    assert Kelurahan.objects.filter(code="64.71.01.1099", name="Ditambah Staf").exists()
    assert Kelurahan.objects.get(code="64.71.01.1005").kecamatan_id == "64.71.01"
    assert "desa/kelurahan: 1 baru, 0 nama diperbarui, 34 tetap, 1 tidak ada di berkas (dibiarkan)" in output


def test_a_region_staff_typed_in_keeps_their_name_when_the_list_brings_its_code(tmp_path):
    kecamatan = Kecamatan.objects.get(code="64.71.01")
    Kelurahan.objects.create(code="64.71.01.1005", kecamatan=kecamatan, name="Nama Staf")
    path = balikpapan_file(tmp_path, extra=[Region("64.71.01.1005", "Kelurahan Baru", "76116")])
    output = load(file=path)
    typed = Kelurahan.objects.get(code="64.71.01.1005")
    assert (typed.name, typed.official_name, typed.postal_code) == ("Nama Staf", "Kelurahan Baru", "76116")
    assert "1 nama suntingan staf dipertahankan" in output


@pytest.mark.parametrize(
    "provinces,message",
    [
        (["99"], "Kode provinsi tidak dikenal: '99'"),
        (["64", "6"], "Kode provinsi tidak dikenal: '6'"),
        (["64.71"], "Kode provinsi tidak dikenal: '64.71'"),
        (["00"], "Provinsi 00 hanya untuk data sintetis"),
    ],
)
def test_an_unknown_province_is_refused_and_nothing_is_loaded(provinces, message):
    before = state()
    with pytest.raises(CommandError, match=message) as refused:
        load(*provinces)
    assert "Tidak ada yang dimuat" in str(refused.value)
    assert state() == before


def xz(text: str) -> bytes:
    return lzma.compress(text.encode("utf-8"))


GOOD_HEAD = "# uji\n# jumlah: provinsi=1 kabupaten/kota=1 kecamatan=1 desa/kelurahan=1\nkode,nama,kode_pos\n"
GOOD_ROWS = "64,Kalimantan Timur,\n64.71,Balikpapan,\n64.71.01,Balikpapan Timur,\n"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"bukan berkas xz", "bukan CSV UTF-8 terkompresi xz"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.1001,Manggar,76116\n")[:-20], "bukan CSV UTF-8 terkompresi xz"),
        (lzma.compress("kode,nama\n".encode("utf-16")), "bukan CSV UTF-8"),
        (xz("kode,nama,kode_pos\n" + GOOD_ROWS), "baris '# jumlah: ...'"),
        (
            xz(GOOD_HEAD.replace("kode,nama,kode_pos", "code,name,zip") + GOOD_ROWS),
            "baris 3 harus berisi kolom",
        ),
        (xz(GOOD_HEAD + GOOD_ROWS), "tidak sama dengan baris '# jumlah:'"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.5001,Manggar,\n"), "baris 7: kode wilayah tidak dikenal"),
        (xz(GOOD_HEAD + GOOD_ROWS + "6471011001,Manggar,\n"), "baris 7: kode wilayah tidak dikenal"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.02.1001,Baru Ilir,\n"), "induknya 64.71.02 tidak ada"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01,Lagi,\n"), "kode 64.71.01 muncul dua kali"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.1001,Mang\x1bgar,\n"), "karakter kendali"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.1001,,\n"), "nama kosong"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.1001,Manggar,7611\n"), "kode pos '7611' tidak sah"),
        (xz(GOOD_HEAD + GOOD_ROWS + "64.71.01.1001,Manggar\n"), "harus 3 kolom"),
        (xz(GOOD_HEAD + "00,Sintetis,\n"), "provinsi 00 hanya untuk data sintetis"),
    ],
)
def test_a_broken_file_is_refused_in_indonesian_and_nothing_is_loaded(tmp_path, content, message):
    path = tmp_path / "rusak.csv.xz"
    path.write_bytes(content)
    before = state()
    with pytest.raises(CommandError, match="Berkas wilayah rusak") as refused:
        load(file=path)
    assert message in str(refused.value)
    assert state() == before


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match="Berkas wilayah tidak ditemukan: /tidak/ada.csv.xz"):
        load(file=Path("/tidak/ada.csv.xz"))


def test_when_the_database_refuses_a_row_nothing_at_all_is_written(tmp_path):
    """All levels go in one transaction: a refusal at the last level leaves no new province behind."""
    path = balikpapan_file(
        tmp_path,
        extra=[
            Region("64.72", "Samarinda"),
            Region("64.72.01", "Palaran"),
            Region("64.72.01.1001", "Tolak Saya", "75253"),
        ],
    )
    before = state()
    with connection.cursor() as cursor:  # the real database refusing, as a full disk or a lock timeout would
        cursor.execute(
            "ALTER TABLE kelurahan_kelurahan ADD CONSTRAINT test_refuse CHECK (name <> 'Tolak Saya')"
        )
    with pytest.raises(CommandError, match="Basis data menolak") as refused:
        load(file=path)
    assert "Tidak ada yang dimuat" in str(refused.value)
    assert state() == before


@pytest.mark.national
def test_the_whole_nation_loads_with_every_level_counted_and_a_second_run_changes_nothing():
    """The shipped file whole: 38 provinces in Kepmendagri 300.2.2-2138/2025 (with 96 Papua Barat Daya,
    formed by UU 29/2022), 514 kabupaten/kota, 7,285 kecamatan, 83,762 desa/kelurahan."""
    before = balikpapan()
    output = load()
    assert counts() == {"provinsi": 38, "kabupaten/kota": 514, "kecamatan": 7285, "desa/kelurahan": 83762}
    assert balikpapan() == balikpapan_after_a_load(before)
    assert Province.objects.get(code="96").name == "Papua Barat Daya"
    assert Regency.objects.filter(province_id="96").count() == 6
    assert Regency.objects.filter(province_id="92").count() == 7  # Papua Barat without Papua Barat Daya's
    assert Kelurahan.objects.filter(code__regex=r"\.1\d{3}$").count() == 8496  # kelurahan
    assert Kelurahan.objects.filter(code__regex=r"\.2\d{3}$").count() == 75252  # desa
    assert Kelurahan.objects.filter(code__regex=r"\.3\d{3}$").count() == 14  # desa adat
    assert Regency.objects.filter(code__regex=r"\.(7|8|9)\d$").count() == 98  # kota
    assert Kelurahan.objects.exclude(postal_code="").count() == 83762
    assert "desa/kelurahan: 83.728 baru, 6 nama diperbarui, 28 tetap" in output
    assert "Tidak ada perubahan" in load()
    assert counts()["desa/kelurahan"] == 83762


def test_the_shipped_file_names_its_decree_source_and_licence():
    notes = "\n".join(read_regions(DEFAULT_PATH).notes)
    assert "Kepmendagri No. 300.2.2-2138 Tahun 2025 (38 provinsi)" in notes
    assert "cahyadsn/wilayah commit b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7 db/wilayah.sql" in notes
    assert "db/wilayah_kodepos.sql" in notes
    assert "lisensi MIT: kelurahan/data/LICENSE-wilayah.txt" in notes
    licence = (ROOT / "kelurahan/data/LICENSE-wilayah.txt").read_text()
    assert "Copyright (c) 2017-2025 Cahya DSN" in licence and "Copyright (c) 2024 Cahya DSN" in licence
    assert DEFAULT_PATH.stat().st_size < 1_000_000


def test_make_run_s_sqlite_loads_a_province_twice_and_refuses_an_unknown_one(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMBEDDED_BROKER_DIR": str(tmp_path / "broker"),
    }

    def manage(*args, check=True):
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=check,
        )

    manage("migrate", "--noinput", "-v0")
    assert "desa/kelurahan: 1.004 baru" in manage("load_regions", "64").stdout
    assert "Tidak ada perubahan" in manage("load_regions", "64").stdout
    refused = manage("load_regions", "99", check=False)
    assert refused.returncode == 1 and "Kode provinsi tidak dikenal: '99'" in refused.stderr
