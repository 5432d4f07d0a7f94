"""`create_staff USERNAME --office KODE --role operator|viewer`: a staff account of one office with its
role (issue #17, point 3). The password comes from STAFF_PASSWORD or is generated and printed once; it
is never logged."""

import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from secretariat import roles
from secretariat.models import StaffMembership
from secretariat.models.scoping import visible_office_ids

from .factories import make_person, office
from .test_office_isolation import samarinda_office

pytestmark = pytest.mark.django_db

PASSWORD = "Sandi-Staf-Samarinda-2024!"


def create_staff(*args) -> str:
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def groups_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_new_operator_gets_the_given_password_the_group_and_the_office(monkeypatch, caplog):
    samarinda = samarinda_office()
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    with caplog.at_level(logging.DEBUG):
        out = create_staff("rina", "--office", "64.72", "--role", "operator")
    user = get_user_model().objects.get(username="rina")
    assert user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    assert groups_of(user) == {roles.OPERATOR}
    assert user.office_membership.office == samarinda
    assert visible_office_ids(user) == {samarinda.pk}
    assert "Akun staf rina dibuat: Operator KPU di KPU Kota Samarinda (64.72)." in out
    assert PASSWORD not in out and PASSWORD not in caplog.text
    assert StaffMembership.history.filter(user=user).count() == 1  # audited


def test_without_a_password_one_is_generated_and_printed_once(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    out = create_staff("budi", "--office", "64.71", "--role", "viewer")
    [line] = [line for line in out.splitlines() if line.startswith("Sandi: ")]
    password = line.removeprefix("Sandi: ")
    user = get_user_model().objects.get(username="budi")
    assert len(password) >= 16 and user.check_password(password)
    assert groups_of(user) == {roles.VIEWER}
    again = create_staff("budi", "--office", "64.71", "--role", "viewer")
    assert "Sandi: " not in again and "Sandi tidak diubah" in again
    user.refresh_from_db()
    assert user.check_password(password)  # running it again keeps the password


def test_an_existing_account_is_moved_and_its_role_changed(monkeypatch):
    samarinda = samarinda_office()
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    create_staff("sari", "--office", "64.71", "--role", "operator")
    out = create_staff("sari", "--office", "64.72", "--role", "viewer")
    user = get_user_model().objects.get(username="sari")
    assert "dipindahkan dari KPU Kota Balikpapan (64.71)" in out
    assert user.office_membership.office == samarinda
    assert groups_of(user) == {roles.VIEWER}  # the operator group is gone
    assert StaffMembership.history.filter(user=user).count() == 2


def test_a_provincial_office_gets_a_provincial_viewer_and_refuses_an_operator(monkeypatch):
    samarinda = samarinda_office()
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="KPU Provinsi"):
        create_staff("prov", "--office", "64", "--role", "operator")
    assert not get_user_model().objects.filter(username="prov").exists()
    create_staff("prov", "--office", "64", "--role", "viewer")
    user = get_user_model().objects.get(username="prov")
    assert visible_office_ids(user) == {office("64").pk, office("64.71").pk, samarinda.pk}
    assert groups_of(user) == {roles.VIEWER}


@pytest.mark.parametrize(
    "args,message",
    [
        (["x", "--office", "99.99", "--role", "viewer"], "Kantor KPU dengan kode 99.99 tidak ada"),
        (["bad name!", "--office", "64.71", "--role", "viewer"], "nama pengguna|username|Enter a valid"),
        # argparse's own refusal was English ("invalid choice: 'admin' (choose from ...)").
        (
            ["x", "--office", "64.71", "--role", "admin"],
            r"^Peran “admin” tidak dikenal: pakai operator .* viewer",
        ),
        # The "provincial viewer" is a viewer of a provincial office.
        (
            ["x", "--office", "64.71", "--role", "provincial viewer"],
            r"pengamat provinsi: --office 64 --role viewer",
        ),
        # "Field ini tidak boleh kosong." named no field.
        (["", "--office", "64.71", "--role", "viewer"], r"^Nama pengguna: "),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(monkeypatch, args, message):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=message):
        create_staff(*args)
    assert get_user_model().objects.filter(is_staff=True).count() == 0


def test_a_weak_password_is_refused_and_nothing_is_written(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "123")
    with pytest.raises(CommandError):
        create_staff("lemah", "--office", "64.71", "--role", "viewer")
    assert not get_user_model().objects.filter(username="lemah").exists()


def test_superusers_and_portal_accounts_are_left_alone(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    get_user_model().objects.create_superuser("akar", "akar@kpu.test", "sandi-akar-123")
    with pytest.raises(CommandError, match="superuser"):
        create_staff("akar", "--office", "64.71", "--role", "viewer")
    member = make_person()
    member.user = get_user_model().objects.create_user("anggota", password="Sandi-Anggota-2024!")
    member.save()
    with pytest.raises(CommandError, match="akun portal"):
        create_staff("anggota", "--office", "64.71", "--role", "operator")
    assert not get_user_model().objects.get(username="anggota").is_staff
