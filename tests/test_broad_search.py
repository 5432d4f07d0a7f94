"""Broad admin searches at national scale (issue #7): rows kept by a primary-key array, no autocomplete count.

Timings are measured by bench/page_times.py; these tests pin the query shapes that make them flat and the
results (same rows, same order) that must not change with them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.models import Person
from tests.factories import make_appointment, make_person

pytestmark = pytest.mark.django_db


def siti(number: int) -> str:
    return f"Siti {chr(65 + number)}ani"  # names take no digits; these sort by number


AUTOCOMPLETE = {"app_label": "secretariat", "model_name": "appointment", "field_name": "person"}


def sql_of(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan; SQLite keeps pk IN (...)")
def test_a_searched_person_list_keeps_its_rows_by_a_primary_key_array_and_counts_the_union(staff_client):
    make_person(name="Siti Aminah")
    _, queries = sql_of(staff_client, reverse("admin:secretariat_person_changelist"), {"q": "siti"})
    count, page = [sql for sql in queries if "LIKE UPPER" in sql]
    assert '"secretariat_person"."id" = ANY(ARRAY(' in page
    assert '"secretariat_person"."id" IN (' not in page
    # A search alone: the count is the UNION's own, without fetching the matches from the table.
    assert count.startswith("SELECT COUNT(*) FROM ((SELECT")
    assert "ANY(ARRAY(" not in count


def test_a_search_with_a_filter_counts_only_the_rows_passing_both(staff_client):
    make_person(name="Siti Aminah", gender="P")
    make_person(name="Siti Rahman", gender="L")
    make_person(name="Budi", gender="P")
    response = staff_client.get(reverse("admin:secretariat_person_changelist"), {"q": "siti", "gender": "P"})
    cl = response.context["cl"]
    assert [person.name for person in cl.result_list] == ["Siti Aminah"]
    assert cl.result_count == 1


def test_a_broad_person_search_lists_every_match_once_in_name_order(staff_client):
    names = ["Siti Wulan", "Ani Siti Rahma", "Siti Aminah", "Nursiti"]
    for name in names:
        make_person(name=name)
    make_person(name="Budi Santoso")
    serving = make_appointment(person=make_person(name="Budi Siti"), kelurahan="64.71.01.1001")
    make_appointment(person=make_person(name="Joko"), kelurahan="64.71.01.1002")
    response = staff_client.get(reverse("admin:secretariat_person_changelist"), {"q": "siti"})
    cl = response.context["cl"]
    expected = sorted([*names, serving.person.name])
    assert [person.name for person in cl.result_list] == expected
    assert cl.result_count == len(expected)
    # A kelurahan name is searched too, and a person found by name and kelurahan is listed once.
    response = staff_client.get(reverse("admin:secretariat_person_changelist"), {"q": "manggar"})
    assert list(response.context["cl"].result_list) == [serving.person]


def test_a_broad_appointment_search_keeps_the_roster_order(staff_client):
    second = make_appointment(person=make_person(name="Siti Dua"), kelurahan="64.71.01.1002")
    first_bendahara = make_appointment(
        person=make_person(name="Siti Bendahara"), kelurahan="64.71.01.1001", role="bendahara"
    )
    first_sekretaris = make_appointment(person=make_person(name="Ani Siti"), kelurahan="64.71.01.1001")
    make_appointment(person=make_person(name="Budi"), kelurahan="64.71.01.1003")
    response = staff_client.get(reverse("admin:secretariat_appointment_changelist"), {"q": "siti"})
    assert list(response.context["cl"].result_list) == [first_sekretaris, first_bendahara, second]
    assert response.context["cl"].result_count == 3


def test_the_person_autocomplete_pages_by_looking_one_row_ahead_without_counting(staff_client):
    for number in range(21):
        make_person(name=siti(number))
    make_person(name="Budi Santoso")
    response, queries = sql_of(staff_client, reverse("admin:autocomplete"), {**AUTOCOMPLETE, "term": "siti"})
    data = response.json()
    assert [row["text"] for row in data["results"]] == [siti(n) for n in range(20)]
    assert data["pagination"] == {"more": True}
    assert not any("COUNT(" in sql.upper() for sql in queries)
    data = staff_client.get(reverse("admin:autocomplete"), {**AUTOCOMPLETE, "term": "siti", "page": 2}).json()
    assert [row["text"] for row in data["results"]] == [siti(20)]
    assert data["pagination"] == {"more": False}
    params = {**AUTOCOMPLETE, "term": "siti", "page": 3}
    assert staff_client.get(reverse("admin:autocomplete"), params).status_code == 404


def test_a_full_last_autocomplete_page_says_there_is_no_more(staff_client):
    for number in range(20):
        make_person(name=siti(number))
    data = staff_client.get(reverse("admin:autocomplete"), {**AUTOCOMPLETE, "term": "siti"}).json()
    assert len(data["results"]) == 20
    assert data["pagination"] == {"more": False}
    assert Person.objects.count() == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan; SQLite filters in one join")
def test_an_appointment_search_by_person_name_goes_through_the_foreign_key_index(staff_client):
    make_appointment(person=make_person(name="Siti Aminah"), kelurahan="64.71.01.1001")
    _, queries = sql_of(staff_client, reverse("admin:secretariat_appointment_changelist"), {"q": "siti"})
    listed = 'SELECT "secretariat_appointment"."id", '
    page = next(sql for sql in queries if sql.startswith(listed) and "LIKE UPPER" in sql)
    # People are matched on their own (trigram index), appointments then found by person_id, not by a join
    # that hashes every appointment.
    assert '."person_id" = ANY(ARRAY(SELECT' in page


def test_appointment_and_pact_searches_through_relations_keep_their_results(staff_client):
    from integrity.models import Pact, PactText

    siti_post = make_appointment(person=make_person(name="Siti Aminah"), kelurahan="64.71.01.1001")
    make_appointment(person=make_person(name="Aminah Siti"), kelurahan="64.71.01.1002")
    other = make_appointment(person=make_person(name="Budi Santoso"), kelurahan="64.71.01.1003")
    appointments = reverse("admin:secretariat_appointment_changelist")

    def found(url, term):
        return {row.pk for row in staff_client.get(url, {"q": term}).context["cl"].result_list}

    # Every word in the same field: "siti aminah" finds both word orders, never Budi.
    assert len(found(appointments, "siti aminah")) == 2
    assert found(appointments, "santoso") == {other.pk}
    # The NIK is matched whole through the person.
    assert found(appointments, siti_post.person.nik) == {siti_post.pk}
    # Two levels: pact -> appointment -> person.
    text = PactText.objects.order_by("-version").first()
    pacts = [Pact.objects.create(appointment=a, text=text) for a in (siti_post, other)]
    assert found(reverse("admin:integrity_pact_changelist"), "siti") == {pacts[0].pk}
    assert found(reverse("admin:integrity_pact_changelist"), "santoso") == {pacts[1].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row estimate")
def test_an_unfiltered_big_table_shows_the_row_estimate_instead_of_counting(staff_client, monkeypatch):
    from pps_admin import admin_scale

    for index in range(5):
        make_person(name=f"Siti {chr(65 + index)}ani")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE secretariat_person")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'secretariat_person'::regclass")
        estimate = cursor.fetchone()[0]
    changelist = reverse("admin:secretariat_person_changelist")
    # A small table is counted exactly; above the threshold the estimate is taken as it stands.
    assert staff_client.get(changelist).context["cl"].result_count == 5
    monkeypatch.setattr(admin_scale, "ESTIMATE_ABOVE_ROWS", 2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 40000 WHERE oid = 'secretariat_person'::regclass")
    assert estimate == 5
    assert staff_client.get(changelist).context["cl"].result_count == 40000
    # A searched list is always counted.
    assert staff_client.get(changelist, {"q": "siti"}).context["cl"].result_count == 5
