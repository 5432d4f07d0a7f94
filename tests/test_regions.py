import pytest

from kelurahan.models import Kecamatan, Kelurahan, normalize_kelurahan_code
from kelurahan.region_data import KELURAHAN

pytestmark = pytest.mark.django_db

EXPECTED_COUNTS = {
    "Balikpapan Timur": 4,
    "Balikpapan Barat": 6,
    "Balikpapan Utara": 6,
    "Balikpapan Tengah": 6,
    "Balikpapan Selatan": 7,
    "Balikpapan Kota": 5,
}


def test_migration_loads_six_kecamatan_with_their_codes():
    assert list(Kecamatan.objects.values_list("code", "name")) == [
        ("64.71.01", "Balikpapan Timur"),
        ("64.71.02", "Balikpapan Barat"),
        ("64.71.03", "Balikpapan Utara"),
        ("64.71.04", "Balikpapan Tengah"),
        ("64.71.05", "Balikpapan Selatan"),
        ("64.71.06", "Balikpapan Kota"),
    ]


def test_migration_loads_all_34_kelurahan_with_codes_names_and_postal_codes():
    stored = list(Kelurahan.objects.order_by("code").values_list("code", "name", "postal_code"))
    assert len(stored) == 34
    assert stored == sorted(KELURAHAN)
    assert all(len(postal) == 5 and postal.startswith("761") for _, _, postal in stored)


@pytest.mark.parametrize("kecamatan,count", EXPECTED_COUNTS.items())
def test_kelurahan_per_kecamatan(kecamatan, count):
    assert Kelurahan.objects.filter(kecamatan__name=kecamatan).count() == count


def test_each_kelurahan_code_starts_with_its_kecamatan_code():
    for kelurahan in Kelurahan.objects.all():
        assert kelurahan.code.startswith(kelurahan.kecamatan_id + ".")


@pytest.mark.parametrize(
    "code,name",
    [
        ("64.71.01.1001", "Manggar"),
        ("64.71.03.1002", "Gunungsamarinda"),
        ("64.71.05.1010", "Sungainangka"),
        ("64.71.05.1012", "Damai Bahagia"),
        ("64.71.06.1005", "Damai"),
    ],
)
def test_known_codes_follow_kepmendagri_not_bps(code, name):
    assert Kelurahan.objects.get(code=code).name == name


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("64.71.01.1001", "64.71.01.1001"),
        ("6471011001", "64.71.01.1001"),
        (" 6471051012 ", "64.71.05.1012"),
        ("6471010", None),  # a BPS kecamatan code, not a kelurahan
        ("64-71-01-1001", None),
        ("", None),
    ],
)
def test_normalize_kelurahan_code(raw, expected):
    assert normalize_kelurahan_code(raw) == expected
