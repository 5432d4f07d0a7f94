"""The regions in the admin (issue #17, item 1): provinces and kabupaten/kota read-only with search, the
kecamatan and kelurahan lists filtered by kabupaten/kota, and constant query counts as the list grows."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.loadtest.regions import synthetic_parents_create
from kelurahan.models import Kecamatan, Province, Regency
from secretariat.roles import OPERATOR, VIEWER
from tests.factories import join_office

pytestmark = pytest.mark.django_db


def load_kalimantan_timur():
    call_command("load_regions", "64", stdout=open("/dev/null", "w"))  # noqa: SIM115


def listed(response) -> list[str]:
    return [row.pk for row in response.context["cl"].result_list]


@pytest.fixture
def staff_of():
    def make(group_name):
        user = join_office(
            get_user_model().objects.create_user(group_name.split()[0].lower(), password="x", is_staff=True)
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.mark.parametrize("group", [OPERATOR, VIEWER])
def test_staff_see_their_own_province_and_kabupaten_kota_only(client, staff_of, group):
    load_kalimantan_timur()
    client.force_login(staff_of(group))  # staff of KPU Kota Balikpapan
    provinces = client.get(reverse("admin:kelurahan_province_changelist"))
    assert provinces.status_code == 200 and listed(provinces) == ["64"]
    assert listed(client.get(reverse("admin:kelurahan_regency_changelist"))) == ["64.71"]
    assert listed(client.get(reverse("admin:kelurahan_regency_changelist"), {"q": "samarinda"})) == []
    assert listed(client.get(reverse("admin:kelurahan_regency_changelist"), {"q": "64.71"})) == ["64.71"]
    samarinda = client.get(reverse("admin:kelurahan_regency_change", args=["64.72"]))
    assert samarinda.status_code == 302 or samarinda.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:kelurahan_province_add"),
        lambda: reverse("admin:kelurahan_regency_add"),
        lambda: reverse("admin:kelurahan_regency_delete", args=["64.71"]),
        lambda: reverse("admin:kelurahan_province_delete", args=["64"]),
    ],
)
def test_nobody_adds_or_deletes_provinces_or_kabupaten_kota_in_the_admin(staff_client, url):
    assert staff_client.get(url()).status_code == 403
    assert staff_client.post(url(), {"code": "65", "name": "Baru", "post": "yes"}).status_code == 403
    assert Province.objects.count() == 1 and Regency.objects.count() == 1


def test_a_kabupaten_kota_is_shown_but_not_changed_even_by_a_superuser(staff_client):
    url = reverse("admin:kelurahan_regency_change", args=["64.71"])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Kalimantan Timur" in page.content.decode() and 'name="_save"' not in page.content.decode()
    staff_client.post(url, {"name": "Diubah", "province": "64"})
    assert Regency.objects.get(code="64.71").name == "Balikpapan"


def test_the_kecamatan_list_filters_by_kabupaten_kota_by_link_code_or_name(staff_client):
    load_kalimantan_timur()
    url = reverse("admin:kelurahan_kecamatan_changelist")
    page = staff_client.get(url)
    assert "Kota Samarinda" in page.content.decode()  # a link of the filter: 10 kabupaten/kota
    samarinda = listed(staff_client.get(url, {"kabkota": "64.72"}))
    assert len(samarinda) == 10 and all(code.startswith("64.72.") for code in samarinda)
    assert listed(staff_client.get(url, {"kabkota": "kota  samarinda"})) == samarinda
    assert listed(staff_client.get(url, {"kabkota": "Samarinda"})) == samarinda
    assert listed(staff_client.get(url, {"kabkota": "Kabupaten Samarinda"})) == []


def test_beyond_a_hundred_kabupaten_kota_the_filter_is_a_box_for_a_code_or_name(staff_client):
    load_kalimantan_timur()
    synthetic_parents_create(f"00.{n:02d}" for n in range(1, 100))
    page = staff_client.get(reverse("admin:kelurahan_kecamatan_changelist"), {"kabkota": "Kota Balikpapan"})
    html = page.content.decode()
    assert 'name="kabkota" value="Kota Balikpapan" placeholder="mis. 64.71"' in html
    assert listed(page) == [f"64.71.0{n}" for n in range(1, 7)]


def test_the_kelurahan_list_filters_by_kabupaten_kota_and_says_desa_or_kelurahan(staff_client):
    load_kalimantan_timur()
    page = staff_client.get(
        reverse("admin:kelurahan_kelurahan_changelist"), {"kabkota": "64.01", "q": "Busui"}
    )
    assert listed(page) == ["64.01.01.2010"]
    assert '<td class="field-kind_label">Desa</td>' in page.content.decode()
    balikpapan = staff_client.get(reverse("admin:kelurahan_kelurahan_changelist"), {"kabkota": "64.71"})
    assert len(listed(balikpapan)) == 34
    assert '<td class="field-kind_label">Kelurahan</td>' in balikpapan.content.decode()


def test_a_kecamatan_keeps_its_code_and_kabupaten_kota_and_shows_its_official_name(staff_client):
    url = reverse("admin:kelurahan_kecamatan_change", args=["64.71.01"])
    staff_client.post(url, {"name": "Timur (nama staf)", "regency": "64.72", "code": "64.72.09"})
    kecamatan = staff_client.get(url).context["original"]
    assert (kecamatan.code, kecamatan.regency_id, kecamatan.name) == (
        "64.71.01",
        "64.71",
        "Timur (nama staf)",
    )
    assert "Balikpapan Timur" in staff_client.get(url).content.decode()  # the official name, read-only


def test_a_new_kecamatan_gets_its_kabupaten_kota_from_its_code(staff_client):
    url = reverse("admin:kelurahan_kecamatan_add")
    assert staff_client.post(url, {"code": "64.71.07", "name": "Balikpapan Uji"}).status_code == 302
    assert Kecamatan.objects.get(code="64.71.07").regency_id == "64.71"
    refused = staff_client.post(url, {"code": "65.01.01", "name": "Di Luar"})
    assert "Kabupaten/kota 65.01 belum ada. Muat dulu wilayah provinsinya: manage.py load_regions 65." in (
        refused.content.decode()
    )
    assert not Kecamatan.objects.filter(code="65.01.01").exists()


def queries_of(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "name",
    ["kelurahan_regency_changelist", "kelurahan_kecamatan_changelist", "kelurahan_kelurahan_changelist"],
)
def test_region_lists_make_as_many_queries_for_a_province_as_for_balikpapan(staff_client, name):
    url = reverse(f"admin:{name}")
    few = queries_of(staff_client, url)
    load_kalimantan_timur()
    assert queries_of(staff_client, url) == few
