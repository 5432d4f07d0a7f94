import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kelurahan.models import (
    Kecamatan,
    Kelurahan,
    Province,
    Regency,
    RegencyKind,
    VillageKind,
    normalize_kelurahan_code,
)
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


def test_balikpapan_lies_in_kota_balikpapan_in_kalimantan_timur():
    regency = Regency.objects.select_related("province").get(code="64.71")
    assert str(regency) == "Kota Balikpapan" and regency.kind == RegencyKind.KOTA
    assert (regency.province.code, regency.province.name) == ("64", "Kalimantan Timur")
    assert set(Kecamatan.objects.values_list("regency_id", flat=True)) == {"64.71"}
    assert Regency.objects.count() == 1 and Province.objects.count() == 1


def test_balikpapan_official_names_are_the_decrees():
    assert list(Kelurahan.objects.order_by("code").values_list("code", "official_name", "name")) == [
        (code, name, name) for code, name, _ in sorted(KELURAHAN)
    ]
    assert all(k.official_name == k.name for k in Kecamatan.objects.all())


@pytest.mark.parametrize(
    "code,kind",
    [("64.01", RegencyKind.KABUPATEN), ("64.70", RegencyKind.KABUPATEN), ("64.71", RegencyKind.KOTA)],
)
def test_a_regency_is_a_kota_from_number_71(code, kind):
    regency = Regency(code=code, name="Uji", province_id="64")
    assert regency.kind == kind
    assert str(regency) == f"{kind.label} Uji"


@pytest.mark.parametrize(
    "code,kind,head",
    [
        ("64.71.01.1001", VillageKind.KELURAHAN, "Lurah"),
        ("64.01.01.2001", VillageKind.DESA, "Kepala Desa"),
        ("91.03.01.3007", VillageKind.DESA_ADAT, "Kepala Desa Adat"),
    ],
)
def test_the_code_says_kelurahan_desa_or_desa_adat_and_who_issues_the_basis_decree(code, kind, head):
    village = Kelurahan(code=code, name="Uji")
    assert village.kind == kind
    assert village.head_title() == head


def test_every_balikpapan_kelurahan_is_a_kelurahan_headed_by_a_lurah():
    assert {(k.kind, k.head_title()) for k in Kelurahan.objects.all()} == {(VillageKind.KELURAHAN, "Lurah")}


def test_a_village_code_of_unknown_kind_is_refused_in_indonesian():
    village = Kelurahan(code="64.71.01.5001", name="Uji", kecamatan_id="64.71.01")
    with pytest.raises(ValidationError, match="diawali 1 untuk kelurahan, 2 untuk desa"):
        village.full_clean()


@pytest.mark.parametrize(
    "model,values,message",
    [
        (Regency, {"code": "65.01", "province_id": "64", "name": "Salah"}, "diawali kode provinsinya"),
        (Kecamatan, {"code": "64.72.01", "regency_id": "64.71", "name": "Salah"}, "kode kabupaten/kota-nya"),
        (Kelurahan, {"code": "64.71.02.1001", "kecamatan_id": "64.71.01", "name": "Salah"}, "kecamatannya"),
    ],
)
def test_a_parent_that_disagrees_with_the_code_is_refused(model, values, message):
    row = model(**values)
    with pytest.raises(ValidationError, match=message):
        row.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([row])  # the database itself, not only the form
