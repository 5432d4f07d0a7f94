"""The portal password services on their own: a member's own password, and staff resets of one-time ones."""

import pytest
from django.core.exceptions import ValidationError

from secretariat.models import Person
from secretariat.services.accounts import (
    portal_accounts_create,
    portal_password_reset_by_staff,
    portal_password_set_by_member,
    portal_passwords_reset_by_staff,
)

from .factories import make_appointment, make_person

pytestmark = pytest.mark.django_db

OWN_PASSWORD = "Balikpapan-Sandi-2024"


@pytest.fixture
def member(db):
    """Sekretaris of Manggar with a fresh portal account (a one-time password to change first)."""
    person = make_appointment(person=make_person(name="Rahmat Hidayat")).person
    portal_accounts_create(people=[person])
    person.refresh_from_db()
    assert person.must_change_password
    return person


def reasons(person: Person) -> list[str]:
    return list(person.history.order_by("history_id").values_list("history_change_reason", flat=True))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        pytest.param("80457291", "Kata sandi ini seluruhnya terdiri dari angka.", id="numeric"),
        pytest.param("Abc-12", "Kata sandi terlalu pendek.", id="short"),
        pytest.param("password", "Kata sandi ini terlalu umum.", id="common"),
    ],
)
def test_a_members_own_password_failing_the_validators_is_refused_and_nothing_changes(
    member, password, message
):
    user = member.user
    before = user.password
    with pytest.raises(ValidationError) as raised:
        portal_password_set_by_member(user=user, password=password)
    assert any(text.startswith(message) for text in raised.value.messages), raised.value.messages
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.user.password == before
    assert member.must_change_password is True


@pytest.mark.parametrize(
    ("by_email", "reason"),
    [(False, "sandi portal diganti oleh anggota"), (True, "sandi portal diatur lewat surel")],
)
def test_a_members_own_password_ends_the_one_time_password_and_is_audited(member, by_email, reason):
    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD, by_email=by_email)

    member.refresh_from_db()
    assert member.user.check_password(OWN_PASSWORD)
    assert not member.user.password.startswith("pbkdf2_sha256_otp$")
    assert member.must_change_password is False
    assert reasons(member)[-1] == reason


def test_changing_an_own_password_again_writes_no_second_history_row(member):
    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD)
    recorded = member.history.count()
    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD + "-baru")
    assert member.history.count() == recorded


def test_staff_reset_of_someone_without_an_account_is_refused():
    person = make_appointment(person=make_person(name="Tanpa Akun")).person
    with pytest.raises(ValidationError) as raised:
        portal_password_reset_by_staff(person=person)
    assert raised.value.messages == ["Tanpa Akun belum punya akun portal; buat akunnya lebih dulu."]
    person.refresh_from_db()
    assert person.must_change_password is False and person.history.count() == 1


def test_staff_reset_of_several_skips_those_without_an_account_or_a_post(member, django_user_model):
    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD)
    no_account = make_appointment(person=make_person(name="Tanpa Akun"), role="bendahara").person
    never_served = make_person(
        name="Belum Menjabat", user=django_user_model.objects.create_user("belum", password=OWN_PASSWORD)
    )

    rows = portal_passwords_reset_by_staff(
        people=Person.objects.filter(pk__in=[member.pk, never_served.pk, no_account.pk])
    )

    assert [(row.nama, row.kode_kelurahan, row.jabatan, row.username) for row in rows] == [
        ("Rahmat Hidayat", "64.71.01.1001", "sekretaris", "manggar.sekretaris")
    ]
    member.refresh_from_db()
    assert member.must_change_password is True and member.user.check_password(rows[0].password)
    assert reasons(member)[-1] == "sandi portal diatur ulang"
    never_served.refresh_from_db()
    assert never_served.must_change_password is False and never_served.user.check_password(OWN_PASSWORD)
    no_account.refresh_from_db()
    assert no_account.user_id is None and no_account.must_change_password is False


def test_staff_reset_of_several_without_any_account_resets_nothing():
    person = make_appointment(person=make_person(name="Tanpa Akun")).person
    assert portal_passwords_reset_by_staff(people=Person.objects.filter(pk=person.pk)) == []
    person.refresh_from_db()
    assert person.user_id is None and person.history.count() == 1


# --- the passwords and their handover sheet, one unit ------------------------------------------------


@pytest.fixture
def sheet_fails(settings, tmp_path):
    """The handover sheet's template broken, as a bad deployment would leave it: its rendering raises."""
    import copy

    folder = tmp_path / "templates" / "documents"
    folder.mkdir(parents=True)
    (folder / "serah_terima_akun.html").write_text('{% url "no-such-page" %}')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path / "templates", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_a_staff_reset_whose_sheet_fails_keeps_the_old_password(member, sheet_fails):
    from django.urls import NoReverseMatch

    from secretariat.services.accounts import portal_passwords_reset_with_sheet

    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD)
    recorded = member.history.count()
    with pytest.raises(NoReverseMatch):
        portal_passwords_reset_with_sheet(people=Person.objects.filter(pk=member.pk), portal_url="/")
    member.refresh_from_db()
    assert member.user.check_password(OWN_PASSWORD) and member.must_change_password is False
    assert member.history.count() == recorded  # no "sandi portal diatur ulang" without its sheet


def test_a_staff_reset_returns_the_sheet_with_the_passwords_it_set(member):
    from secretariat.services.accounts import portal_passwords_reset_with_sheet

    from . import pdf

    people = Person.objects.filter(pk=member.pk)
    rows, sheet = portal_passwords_reset_with_sheet(people=people, portal_url="/")
    [row] = rows
    assert f"Sandi sekali pakai : {row.password}" in pdf.flat(sheet)
    member.refresh_from_db()
    assert member.user.check_password(row.password)


def test_accounts_whose_sheet_fails_are_not_made(sheet_fails):
    from django.urls import NoReverseMatch

    from secretariat.services.accounts import portal_accounts_create_with_sheet

    person = make_appointment(person=make_person(name="Belum Punya Akun")).person
    with pytest.raises(NoReverseMatch):
        portal_accounts_create_with_sheet(people=Person.objects.filter(pk=person.pk), portal_url="/")
    person.refresh_from_db()
    assert person.user_id is None and person.history.count() == 1


def test_the_admin_reset_whose_sheet_fails_says_so_in_indonesian_and_changes_nothing(
    member, staff_client, sheet_fails
):
    portal_password_set_by_member(user=member.user, password=OWN_PASSWORD)
    response = staff_client.post(
        "/admin/secretariat/person/",
        {"action": "reset_portal_password", "_selected_action": [member.pk], "index": "0"},
        follow=True,
    )
    assert response["Content-Type"].startswith("text/html")
    assert "tidak ada akun atau sandi yang diubah: sandi lama anggota tetap berlaku" in (
        response.content.decode()
    )
    member.refresh_from_db()
    assert member.user.check_password(OWN_PASSWORD) and member.must_change_password is False
