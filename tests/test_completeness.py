import pytest
from django.urls import reverse

from secretariat.models import Appointment, ElectionPeriod
from secretariat.selectors import completeness_matrix
from secretariat.services.appointments import appointment_end
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from .factories import make_appointment, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_roster(db):
    result = members_import(data=demo_csv(), dry_run=False)
    assert result.ok, result.errors
    return result


def test_empty_matrix_lists_34_kelurahan_in_6_kecamatan_with_nothing_filled():
    matrix = completeness_matrix()
    assert [len(group.rows) for group in matrix.groups] == [4, 6, 6, 6, 7, 5]
    assert (matrix.filled, matrix.expected) == (0, 102)
    assert len(matrix.missing) == 102


def test_matrix_places_each_member_in_their_kelurahan_and_role_cell():
    appointment = make_appointment(kelurahan="64.71.05.1010", role="bendahara")
    matrix = completeness_matrix()
    selatan = next(g for g in matrix.groups if g.kecamatan.code == "64.71.05")
    row = next(r for r in selatan.rows if r.kelurahan.code == "64.71.05.1010")
    assert row.cells == [None, appointment, None]
    assert (selatan.filled, selatan.expected) == (1, 21)
    assert matrix.filled == 1


def test_full_roster_fills_102_of_102(full_roster):
    matrix = completeness_matrix()
    assert (matrix.filled, matrix.expected) == (102, 102)
    assert matrix.missing == []


def test_ended_appointment_leaves_its_post_missing(full_roster):
    appointment = Appointment.objects.get(kelurahan_id="64.71.06.1005", role="staf_teknis")
    appointment_end(appointment=appointment, end_date=ElectionPeriod.current().term_start, reason="evaluasi")
    matrix = completeness_matrix()
    assert matrix.filled == 101
    assert [(k.code, role) for k, role in matrix.missing] == [("64.71.06.1005", "Staf Teknis")]


def test_completeness_page_shows_totals_names_and_gaps(staff_client, full_roster):
    appointment_end(
        appointment=Appointment.objects.get(kelurahan_id="64.71.01.1003", role="sekretaris"),
        end_date=ElectionPeriod.current().term_start,
        reason="mengundurkan_diri",
    )
    response = staff_client.get(reverse("admin:secretariat_completeness"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "101/102" in html
    assert "1 belum terisi" in html
    assert "Kecamatan Balikpapan Selatan" in html
    holder = Appointment.objects.active().get(kelurahan_id="64.71.02.1004", role="bendahara")
    assert holder.person.name in html
    assert holder.person.nik not in html


def test_completeness_page_query_count_does_not_grow_with_the_roster(
    staff_client, django_assert_max_num_queries
):
    make_appointment()
    with django_assert_max_num_queries(12) as few:
        staff_client.get(reverse("admin:secretariat_completeness"))
    members_import(data=demo_csv(), dry_run=False)
    Appointment.objects.filter(kelurahan_id="64.71.01.1001", role="sekretaris").count()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("admin:secretariat_completeness"))
    assert response.status_code == 200


def test_completeness_page_requires_staff_login(client):
    response = client.get(reverse("admin:secretariat_completeness"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_beyond_fifty_kelurahan_the_matrix_is_paged_and_its_totals_count_everything():
    """Issue #7: a province or the nation is shown 50 kelurahan a page; the totals are over all of them."""
    import datetime as dt

    from django.core.cache import cache

    from bench.loadtest.seeding import synthetic_seed
    from integrity.models import Pact, PactText

    synthetic_seed(count=40)  # 74 kelurahan: 34 real, 40 synthetic with three members each
    first = make_appointment(kelurahan="64.71.01.1001")
    Pact.objects.create(
        appointment=first,
        text=PactText.current(office()),
        status="ditandatangani",
        signed_date=dt.date(2024, 6, 1),
        signed_place="Balikpapan",
    )
    cache.clear()

    one, two = completeness_matrix(page=1), completeness_matrix(page=2)
    assert [sum(len(g.rows) for g in m.groups) for m in (one, two)] == [50, 24]
    assert (one.window.has_next, two.window.has_next, two.window.has_previous) == (True, False, True)
    codes = [row.kelurahan.code for m in (one, two) for g in m.groups for row in g.rows]
    assert codes == sorted(codes) and len(set(codes)) == 74
    for matrix in (one, two):
        assert (matrix.filled, matrix.expected, matrix.pacts_signed) == (121, 222, 1)
