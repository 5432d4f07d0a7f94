"""The provincial and national overviews (issue #17.3): the figures per kabupaten/kota office and per
province, who sees which offices, and a constant number of queries whatever the number of offices.

Personas: a provincial viewer of KPU Provinsi Kalimantan Timur (64), the operator of KPU Kota Balikpapan
(64.71), the national superuser. Offices: Balikpapan (64.71) and Samarinda (64.72) in province 64,
Banjarmasin (63.71) in province 63.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrity.models import Ceremony, Pact, PactText
from integrity.services.pacts import pacts_generate, pacts_mark_signed
from kelurahan.models import Kecamatan, Kelurahan, Province, Regency
from secretariat.models import Decree, DecreeTemplate, Office, OfficeKind
from secretariat.roles import OPERATOR, VIEWER
from secretariat.services.decrees import decree_issue, decree_revoke

from .factories import install_local_seal, join_office, make_appointment, make_person, office

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:secretariat_office_changelist"
PROVINCES = "admin:secretariat_office_provinces"
ROLES = ["sekretaris", "bendahara", "staf_teknis"]


def region_office(code: str, name: str, *, kelurahan: int = 2) -> Office:
    """A kabupaten/kota with one kecamatan of `kelurahan` kelurahan, and its KPU office (with the decree
    template and pact text copied from Balikpapan's, as create_office would give it defaults)."""
    province_code = code[:2]
    province, _ = Province.objects.get_or_create(
        code=province_code, defaults={"name": f"Provinsi {code[:2]}"}
    )
    parent, _ = Office.objects.get_or_create(
        code=province_code,
        defaults={
            "kind": OfficeKind.PROVINCE,
            "name": f"Komisi Pemilihan Umum Provinsi {province.name}",
            "short_name": f"KPU Provinsi {province.name}",
            "province": province,
            "city": province.name,
        },
    )
    regency = Regency.objects.create(code=code, province=province, name=name)
    kecamatan = Kecamatan.objects.create(code=f"{code}.01", regency=regency, name=f"{name} Kota")
    for n in range(kelurahan):
        Kelurahan.objects.create(code=f"{code}.01.{1001 + n}", kecamatan=kecamatan, name=f"{name} {n + 1}")
    new = Office.objects.create(
        code=code,
        kind=OfficeKind.REGENCY,
        name=f"Komisi Pemilihan Umum Kota {name}",
        short_name=f"KPU Kota {name}",
        province=province,
        regency=regency,
        parent=parent,
        city=name,
    )
    for model in (DecreeTemplate, PactText):
        text = model.objects.filter(office=office()).order_by("-pk").first()
        text.pk, text.office = None, new
        text.save()
    install_local_seal(new)  # its documents are signed with its own seal
    return new


def fill(kelurahan_codes, *, office_code: str) -> None:
    for code in kelurahan_codes:
        for role in ROLES:
            make_appointment(person=make_person(office_code=office_code), kelurahan=code, role=role)


def sign(office_code: str, count: int) -> None:
    # Pacts are made only for an office with a signing ceremony (tests/test_pact_ceremony.py).
    Ceremony.objects.get_or_create(
        office=office(office_code), defaults={"name": "Uji", "date": dt.date(2024, 6, 1), "place": "Aula"}
    )
    pacts_generate(office=office(office_code))
    pacts = Pact.objects.filter(appointment__office__code=office_code).order_by("pk")[:count]
    pacts_mark_signed(pacts=list(pacts), signed_date=dt.date(2024, 6, 1), signed_place="Kota Uji")


@pytest.fixture
def offices(db):
    """Balikpapan: 2 kelurahan filled (6 of 102 posts), 4 pacts signed, one decree in force and one
    revoked. Samarinda (64.72): 1 of its 2 kelurahan filled, 1 pact signed, one decree. Banjarmasin (63.71):
    1 kelurahan filled, nothing else."""
    samarinda = region_office("64.72", "Samarinda")
    banjarmasin = region_office("63.71", "Banjarmasin")
    fill(["64.71.01.1001", "64.71.01.1002"], office_code="64.71")
    sign("64.71", 4)
    revoked = decree_issue(decree_date=dt.date(2024, 6, 1), office=office())
    decree_revoke(decree=revoked, revoked_date=dt.date(2024, 6, 3), reason="Salah ketik nama.")
    decree_issue(decree_date=dt.date(2024, 6, 4), office=office())
    fill(["64.72.01.1001"], office_code="64.72")
    sign("64.72", 1)
    decree_issue(decree_date=dt.date(2024, 6, 1), office=samarinda)
    fill(["63.71.01.1001"], office_code="63.71")
    return {"64.71": office(), "64.72": samarinda, "63.71": banjarmasin}


def staff(username: str, group: str, office_code: str):
    user = get_user_model().objects.create_user(username, password="sandi-uji-12345", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return join_office(user, office_code)


@pytest.fixture
def provincial_client(client, offices):
    client.force_login(staff("pengamat-provinsi", VIEWER, "64"))
    return client


def rows_of(response) -> dict[str, list[str]]:
    """Office code -> the cells of its row in the changelist."""
    import re

    body = response.content.decode()
    table = body[body.index('id="result_list"') : body.index("</table>", body.index('id="result_list"'))]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells
    return rows


def assert_hidden(response):
    """Another office opened by URL is as if it did not exist: a 404, or Django admin's own answer to a
    missing object (back to the index, saying it does not exist), never the office's page."""
    if response.status_code != 404:
        assert response.status_code == 302 and response.url == reverse("admin:index")


def test_each_office_has_its_figures(admin_client, offices):
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    rows = rows_of(response)
    # code, name, province, posts, pacts, decrees, last activity
    assert rows["64.71"][3:6] == ["6/102 (5,9%)", "4", "1"]
    assert rows["64.72"][3:6] == ["3/6 (50,0%)", "1", "1"]
    assert rows["63.71"][3:6] == ["3/6 (50,0%)", "0", "0"]
    assert rows["64"][3:6] == ["–", "0", "0"]  # the provincial office owns no rows itself
    assert all(rows[code][6] != "–" for code in ("64.71", "64.72", "63.71"))


def test_ended_appointments_do_not_fill_posts(admin_client, offices):
    from secretariat.models import Appointment

    Appointment.objects.filter(kelurahan_id="64.72.01.1001", role="bendahara").update(
        end_date=dt.date(2024, 7, 1), end_reason="mengundurkan_diri"
    )
    assert rows_of(admin_client.get(reverse(CHANGELIST)))["64.72"][3] == "2/6 (33,3%)"


def test_provinces_sum_their_offices(admin_client, offices):
    response = admin_client.get(reverse(PROVINCES))
    assert response.status_code == 200
    provinces = {row.code: row for row in response.context["page"]}
    assert set(provinces) == {"63", "64"}
    east = provinces["64"]
    assert (east.rollup_offices, east.rollup_kelurahan, east.rollup_filled) == (2, 36, 9)
    assert (east.rollup_signed, east.rollup_decrees) == (5, 2)
    south = provinces["63"]
    assert (south.rollup_offices, south.rollup_filled, south.rollup_signed, south.rollup_decrees) == (
        1,
        3,
        0,
        0,
    )
    body = response.content.decode()
    assert "9/108 (8,3%)" in body and "12/114 (10,5%)" in body  # province 64, then the nation's total
    # Drilling down: the province's name links to its offices in the list.
    assert f"{reverse(CHANGELIST)}?province__code__exact=64&amp;kind__exact=kabkota" in body


def test_the_drill_down_lists_the_province_offices(admin_client, offices):
    response = admin_client.get(reverse(CHANGELIST) + "?province__code__exact=64&kind__exact=kabkota")
    assert set(rows_of(response)) == {"64.71", "64.72"}


def test_a_provincial_viewer_sees_only_its_province(provincial_client, offices):
    rows = rows_of(provincial_client.get(reverse(CHANGELIST)))
    assert set(rows) == {"64", "64.71", "64.72"}
    assert rows["64.72"][3:6] == ["3/6 (50,0%)", "1", "1"]
    response = provincial_client.get(reverse(PROVINCES))
    assert [row.code for row in response.context["page"]] == ["64"]
    other = offices["63.71"]
    assert_hidden(provincial_client.get(reverse("admin:secretariat_office_change", args=[other.pk])))


def test_a_provincial_viewer_cannot_change_an_office(provincial_client, offices):
    samarinda = offices["64.72"]
    url = reverse("admin:secretariat_office_change", args=[samarinda.pk])
    page = provincial_client.get(url)
    assert page.status_code == 200 and b'name="name"' not in page.content  # read-only view
    refused = provincial_client.post(url, {"name": "Diubah", "short_name": "Diubah", "city": "Diubah"})
    assert refused.status_code == 403
    assert provincial_client.get(reverse("admin:secretariat_office_add")).status_code == 403
    samarinda.refresh_from_db()
    assert samarinda.name == "Komisi Pemilihan Umum Kota Samarinda"


def test_an_operator_sees_its_own_office_read_only_and_no_province_page(client, offices):
    client.force_login(staff("operator-bpn", OPERATOR, "64.71"))
    assert set(rows_of(client.get(reverse(CHANGELIST)))) == {"64.71"}
    url = reverse("admin:secretariat_office_change", args=[offices["64.71"].pk])
    assert client.post(url, {"name": "Diubah"}).status_code == 403
    assert_hidden(client.get(reverse("admin:secretariat_office_change", args=[offices["64.72"].pk])))
    assert client.get(reverse(PROVINCES)).status_code == 403


def test_every_link_on_an_operators_own_office_page_opens(client, offices):
    # The page linked "KPU provinsi" to the provincial office's page, which an office's staff may not
    # see: clicking it gave them "Halaman tidak ditemukan".
    import re

    client.force_login(staff("operator-smd", OPERATOR, "64.72"))
    page = client.get(reverse("admin:secretariat_office_change", args=[offices["64.72"].pk]))
    assert "KPU Provinsi Kalimantan Timur" in page.content.decode()
    links = set(re.findall(r'href="(/admin/[^"#?]+)"', page.content.decode())) - {reverse("admin:logout")}
    assert links
    assert {link: client.get(link).status_code for link in links if client.get(link).status_code != 200} == {}


def test_a_provincial_viewer_follows_a_kabupaten_office_to_its_province_office(provincial_client, offices):
    page = provincial_client.get(reverse("admin:secretariat_office_change", args=[offices["64.72"].pk]))
    province_office = reverse("admin:secretariat_office_change", args=[office("64").pk])
    assert f'href="{province_office}"' in page.content.decode()


def test_a_superuser_edits_the_address_not_the_code(admin_client, offices):
    samarinda = offices["64.72"]
    url = reverse("admin:secretariat_office_change", args=[samarinda.pk])
    form = {
        "code": "99.99",
        "name": "Komisi Pemilihan Umum Kota Samarinda",
        "short_name": "KPU Kota Samarinda",
        "city": "Samarinda",
        "address": "Jl. Basuki Rahmat No. 1",
        "phone": "",
        "email": "",
        "website": "",
    }
    assert admin_client.post(url, form).status_code == 302
    # Offices are added by `create_office` (with their region's defaults), never by this form.
    assert admin_client.get(reverse("admin:secretariat_office_add")).status_code == 403
    samarinda.refresh_from_db()
    assert (samarinda.code, samarinda.address) == ("64.72", "Jl. Basuki Rahmat No. 1")
    assert samarinda.history.count() == 2  # created, then changed: audited


def test_a_bad_email_is_refused_in_indonesian(admin_client, offices):
    samarinda = offices["64.72"]
    url = reverse("admin:secretariat_office_change", args=[samarinda.pk])
    response = admin_client.post(
        url, {"name": "KPU", "short_name": "KPU", "city": "Samarinda", "email": "bukan surel"}
    )
    assert response.status_code == 200
    assert "alamat email yang valid" in response.content.decode().lower()
    samarinda.refresh_from_db()
    assert samarinda.email == "" and samarinda.history.count() == 1


def queries_of(client, url) -> int:
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_number_of_offices(admin_client, offices):
    before = {url: queries_of(admin_client, reverse(url)) for url in (CHANGELIST, PROVINCES)}
    for number, code in enumerate(["64.73", "64.74", "63.72", "65.71"]):
        region_office(code, f"Uji {'ABCD'[number]}")
        fill([f"{code}.01.1001"], office_code=code)
        decree_issue(decree_date=dt.date(2024, 6, 1), office=office(code))
    assert Office.objects.filter(kind=OfficeKind.REGENCY).count() == 7
    after = {url: queries_of(admin_client, reverse(url)) for url in (CHANGELIST, PROVINCES)}
    assert after == before
    assert len(admin_client.get(reverse(PROVINCES)).context["page"]) == 3


def test_revoked_decrees_are_not_in_force(admin_client, offices):
    assert Decree.objects.filter(office=offices["64.71"]).count() == 2
    assert rows_of(admin_client.get(reverse(CHANGELIST)))["64.71"][5] == "1"
