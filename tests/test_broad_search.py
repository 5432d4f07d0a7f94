"""Broad admin searches at national scale (issues #7, #15): matches numbered in the list's order, no
autocomplete count.

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_searched_person_list_is_counted_and_sorted_in_one_read_of_the_matches(staff_client):
    for number in range(51):
        make_person(name=siti(number % 26) + "a" * (number // 26))
    _, queries = sql_of(staff_client, reverse("admin:secretariat_person_changelist"), {"q": "siti"})
    searched = [sql for sql in queries if "LIKE UPPER" in sql]
    # One query finds the page's pks and the count: the fields' conditions ORed on the table (no UNION to
    # deduplicate), every match numbered in the list's order and the page chosen by number, not by a LIMIT
    # that PostgreSQL could serve by walking the name index.
    assert len(searched) == 1
    assert 'COUNT(*) OVER () AS "list_total"' in searched[0]
    order = 'ROW_NUMBER() OVER (ORDER BY "secretariat_person"."name", "secretariat_person"."id" DESC)'
    assert order in searched[0]
    assert '("qual0" > 0 AND "qual0" <= 50)' in searched[0]
    assert " UNION " not in searched[0] and " LIMIT " not in searched[0]
    # Back through the appointments, people are found by person_id, not by joining them again.
    assert '"secretariat_person"."id" = ANY(ARRAY(SELECT V0."person_id"' in searched[0]
    # The rows of the page are then fetched by those pks alone.
    page = next(sql for sql in queries if sql.startswith('SELECT "secretariat_person"."id", '))
    assert '"secretariat_person"."id" IN (' in page
    assert "LIKE" not in page
    assert not any(sql.upper().startswith("SELECT COUNT(*)") for sql in queries)


def pages_of(client, url, params, pages):
    rows = []
    for number in range(1, pages + 1):
        cl = client.get(url, {**params, "p": number}).context["cl"]
        rows += list(cl.result_list)
    return cl.result_count, rows


def test_every_page_of_a_broad_search_holds_the_next_matches_in_the_list_order(staff_client):
    import random

    names = [siti(number % 26) + "i" * (number // 26) for number in range(110)] + ["Siti Aminah"] * 3
    names += ["Ani Siti", "Nursiti Dewi"]
    random.Random(7).shuffle(names)  # inserted out of order: pks do not follow names
    for name in names:
        make_person(name=name)
    make_person(name="Budi Santoso")
    # Matched by name and by the kelurahan name (a search for "siti manggar" would not mix the two).
    served = make_person(name="Joko Sitiawan")
    make_appointment(person=served, kelurahan="64.71.01.1001")
    url = reverse("admin:secretariat_person_changelist")

    matches = Person.objects.filter(name__icontains="siti")
    count, rows = pages_of(staff_client, url, {"q": "siti"}, 3)
    assert rows == list(matches.order_by("name", "-pk"))
    assert count == len(rows) == 116
    # Sorted by name descending (the name column header), and by NIK.
    _, rows = pages_of(staff_client, url, {"q": "siti", "o": "-1"}, 3)
    assert rows == list(matches.order_by("-name", "-pk"))
    _, rows = pages_of(staff_client, url, {"q": "siti", "o": "2"}, 3)
    assert rows == list(matches.order_by("nik", "-pk"))
    # A kelurahan searched by name brings its people.
    count, rows = pages_of(staff_client, url, {"q": "manggar"}, 1)
    assert (count, rows) == (1, [served])
    # A page past the end goes back to the list with the admin's error flag, as without a search.
    response = staff_client.get(url, {"q": "siti", "p": 9})
    assert response.status_code == 302
    assert "e=1" in response["Location"]


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
    # Results are names only: the person list's prefetch of active posts is not run.
    assert not any(sql.startswith('SELECT "secretariat_appointment"') for sql in queries)
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
    (searched,) = [sql for sql in queries if "LIKE UPPER" in sql]
    # People are matched on their own (trigram index), appointments then found by person_id, not by a join
    # that hashes every appointment.
    assert '"secretariat_appointment"."person_id" = ANY(ARRAY(SELECT' in searched
    assert 'JOIN "secretariat_person"' not in searched


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


def test_broad_appointment_and_pact_searches_page_in_roster_order_through_their_sort_keys(staff_client):
    """The pages are sorted out of the matches with the list's own keys: the appointment's kelurahan and
    role order, and for pacts the same keys joined in from the appointment."""
    import random

    from integrity.models import Pact, PactText
    from kelurahan.models import Kelurahan
    from secretariat.models import Appointment, Role

    posts = [(code, role) for code in Kelurahan.objects.values_list("code", flat=True)[:20] for role in Role]
    random.Random(3).shuffle(posts)  # created out of roster order: pks follow neither kelurahan nor role
    text = PactText.objects.order_by("-version").first()
    for number, (code, role) in enumerate(posts):
        name = siti(number % 26) + "i" * (number // 26) if number % 5 else f"Budi {chr(65 + number % 26)}"
        appointment = make_appointment(person=make_person(name=name), kelurahan=code, role=role)
        Pact.objects.create(appointment=appointment, text=text)

    def roster_key(appointment):
        return (appointment.kelurahan_id, list(Role).index(appointment.role))

    expected = sorted(Appointment.objects.filter(person__name__icontains="siti"), key=roster_key)
    assert len(expected) == 48
    appointments = reverse("admin:secretariat_appointment_changelist")
    count, rows = pages_of(staff_client, appointments, {"q": "siti"}, 1)
    assert (count, rows) == (48, expected)
    with CaptureQueriesContext(connection) as captured:
        count, rows = pages_of(staff_client, reverse("admin:integrity_pact_changelist"), {"q": "siti"}, 1)
    assert (count, [pact.appointment for pact in rows]) == (48, expected)
    if connection.vendor == "postgresql":
        # Searched through the appointment the sort keys join anyway: on its columns, not by collecting ids.
        (searched,) = [query["sql"] for query in captured.captured_queries if "LIKE UPPER" in query["sql"]]
        assert searched.count("JOIN") == 1
        assert '"secretariat_appointment"."person_id" = ANY(ARRAY(' in searched
        assert '"integrity_pact"."appointment_id" = ANY(' not in searched
    # More than a page: both pages together, in order.
    expected = sorted(Appointment.objects.all(), key=roster_key)
    count, rows = pages_of(staff_client, appointments, {"q": "i"}, 2)
    assert (count, rows) == (60, expected)


def test_the_replacement_search_pages_people_without_a_post_in_name_order(staff_client):
    free = [make_person(name=siti(number)) for number in reversed(range(23))]
    for number, code in enumerate(["64.71.01.1001", "64.71.01.1002", "64.71.01.1003"]):
        make_appointment(person=make_person(name=f"Siti A{'a' * number}"), kelurahan=code)  # hold posts
    search = reverse("admin:secretariat_appointment_replacement_search")
    first = staff_client.get(search, {"term": "siti"}).json()
    second = staff_client.get(search, {"term": "siti", "page": 2}).json()
    names = [row["text"].split(" (")[0] for row in first["results"] + second["results"]]
    assert names == sorted(person.name for person in free)
    assert (first["pagination"], second["pagination"]) == ({"more": True}, {"more": False})


def test_a_search_behind_a_shared_foreign_key_is_written_on_the_joined_columns(rf, staff_user):
    """Fields searched on the related row itself (a column, not an id array) go through the join too."""
    from integrity.models import Pact, PactText
    from pps_admin.admin_scale import numbered
    from pps_admin.admin_search import IndexedSearchMixin

    class Search(IndexedSearchMixin):
        model = Pact
        search_fields = ["appointment__lurah_decree_number", "=appointment__person__nik"]

        def get_search_fields(self, request):
            return self.search_fields

    text = PactText.objects.order_by("-version").first()
    codes = ["64.71.01.1003", "64.71.01.1001", "64.71.01.1002"]
    pacts = [
        Pact.objects.create(
            appointment=make_appointment(kelurahan=code, lurah_decree_number=f"100/{number}/KEL/2024"),
            text=text,
        )
        for number, code in enumerate(codes)
    ]
    request = rf.get("/")
    request.user = staff_user
    searched, duplicates = Search().get_search_results(request, Pact.objects.all(), "KEL/2024")
    assert duplicates is False
    with CaptureQueriesContext(connection) as captured:
        pks, total = numbered(searched, ["appointment__kelurahan_id", "-pk"]).keys_between(0, 10)
    assert (pks, total) == ([pacts[1].pk, pacts[2].pk, pacts[0].pk], 3)
    sql = captured.captured_queries[0]["sql"]
    assert sql.count("JOIN") == 1 and '"secretariat_appointment"."lurah_decree_number"' in sql
    assert '"integrity_pact"."appointment_id" = ANY(' not in sql
    nik = pacts[2].appointment.person.nik
    searched, _ = Search().get_search_results(request, Pact.objects.all(), nik)
    assert numbered(searched, ["appointment__kelurahan_id", "pk"]).keys_between(0, 10) == ([pacts[2].pk], 1)
    # Past the last row: no pks, and no count to tell.
    assert numbered(searched, ["pk"]).keys_between(10, 20) == ([], None)


def test_a_search_with_a_filter_that_may_repeat_people_lists_each_once(staff_client):
    """A filter through the posts (a person may hold two) makes Django's list DISTINCT: paged as Django
    does, each person once and counted once."""
    twice = make_person(name="Siti Dua Kali")
    ended = make_appointment(person=twice, kelurahan="64.71.01.1001", role="bendahara")
    ended.end_date, ended.end_reason = ended.start_date, "mengundurkan_diri"
    ended.save()
    make_appointment(person=twice, kelurahan="64.71.01.1002", role="bendahara")
    once = make_person(name="Siti Sekali")
    make_appointment(person=once, kelurahan="64.71.01.1003", role="bendahara")
    make_appointment(person=make_person(name="Siti Sekretaris"), kelurahan="64.71.01.1004")
    url = reverse("admin:secretariat_person_changelist")
    cl = staff_client.get(url, {"q": "siti", "appointments__role__exact": "bendahara"}).context["cl"]
    assert (cl.result_count, list(cl.result_list)) == (2, [twice, once])


def test_show_all_of_a_searched_list_shows_every_match_in_order(staff_client):
    names = [siti(number % 26) + "o" * (number // 26) for number in range(60)]
    for name in names:
        make_person(name=name)
    url = reverse("admin:secretariat_person_changelist")
    cl = staff_client.get(url, {"q": "siti", "all": ""}).context["cl"]
    assert cl.result_count == 60
    assert [person.name for person in cl.result_list] == sorted(names)


def test_autocomplete_pages_neither_skip_nor_repeat_people_of_the_same_name(staff_client):
    people = [make_person(name="Siti Aminah") for _ in range(21)]
    people[0].phone = "0812"  # an update moves the row to the end of the table: ties come back in a new order
    people[0].save()
    seen = []
    for page in (1, 2):
        params = {**AUTOCOMPLETE, "term": "aminah", "page": page}
        data = staff_client.get(reverse("admin:autocomplete"), params)
        seen += [row["id"] for row in data.json()["results"]]
    assert sorted(seen) == sorted(str(person.pk) for person in people)


@pytest.mark.parametrize("number", ["99999999999999999999", str(2**62)])
def test_a_page_number_beyond_any_offset_is_past_the_end_not_an_error(staff_client, number):
    changelist = reverse("admin:secretariat_person_changelist")
    make_person(name="Siti Aminah")
    assert staff_client.get(changelist, {"q": "siti", "p": number}).status_code == 200  # one page: shown
    for index in range(50):
        make_person(name=siti(index % 26) + "i" * (index // 26))
    response = staff_client.get(changelist, {"q": "siti", "p": number})
    assert response.status_code == 302 and "e=1" in response["Location"]
    params = {**AUTOCOMPLETE, "term": "siti", "page": number}
    assert staff_client.get(reverse("admin:autocomplete"), params).status_code == 404
    search = reverse("admin:secretariat_appointment_replacement_search")
    assert staff_client.get(search, {"term": "siti", "page": number}).json()["results"] == []


def test_a_filtered_search_is_counted_and_paged_in_the_same_one_read(staff_client):
    import random

    rng = random.Random(11)
    for number in range(120):
        make_person(name=siti(number % 26) + "u" * (number // 26), gender=rng.choice("LP"))
    served = make_person(name="Siti Bertugas", gender="P")
    make_appointment(person=served, kelurahan="64.71.01.1001", role="bendahara")
    url = reverse("admin:secretariat_person_changelist")
    women = Person.objects.filter(name__icontains="siti", gender="P")

    with CaptureQueriesContext(connection) as captured:
        count, rows = pages_of(staff_client, url, {"q": "siti", "gender__exact": "P"}, 2)
    assert rows == list(women.order_by("name", "-pk"))
    assert count == women.count() > 50
    if connection.vendor == "postgresql":
        sqls = [query["sql"] for query in captured.captured_queries]
        searched = [sql for sql in sqls if "LIKE UPPER" in sql]
        gender_filter = '"secretariat_person"."gender" = \'P\''
        assert searched and all("COUNT(*) OVER ()" in sql and gender_filter in sql for sql in searched)
        assert not any(sql.upper().startswith("SELECT COUNT(*)") for sql in sqls)
    # Nothing matching is a count of 0 at once, and a filter through the posts (Django wraps the query in
    # EXISTS: the search is not at the top) still lists the right people.
    empty = staff_client.get(url, {"q": "siti", "gender__exact": "P", "menjabat": "ya", "p": 1})
    assert list(empty.context["cl"].result_list) == [served]
    response = staff_client.get(url, {"q": "siti", "appointments__role__exact": "bendahara"})
    assert list(response.context["cl"].result_list) == [served]
    assert staff_client.get(url, {"q": "zzqx", "gender__exact": "P"}).context["cl"].result_count == 0
