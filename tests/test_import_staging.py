"""The admin import's staging, services level: what is kept between preview and "Simpan impor", for whom,
for how long, and what each refusal leaves behind (nothing written, nothing of another session used)."""

import os
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from secretariat.models import Appointment, Person
from secretariat.services.demo import demo_csv
from secretariat.services.import_staging import (
    ALREADY,
    SESSION_KEY,
    SESSION_TOKENS_KEPT,
    STAGING_MAX_AGE_SECONDS,
    import_confirm,
    import_preview,
)

from .threads import start

pytestmark = pytest.mark.django_db

EXPIRED = "Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya."
MISSING = "Berkas pratinjau tidak ditemukan. Unggah ulang berkasnya."


@pytest.fixture
def staging(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "private" / "import_staging"


def staged(staging: Path) -> set[str]:
    return {path.stem for path in staging.glob("*.bin")} if staging.exists() else set()


def written() -> tuple[int, int]:
    return Person.objects.count(), Appointment.objects.count()


def test_a_file_with_errors_is_previewed_but_not_kept(staging):
    session = {}
    preview = import_preview(data=b"kode_kelurahan,nama\n64.71.01.1001,Tanpa NIK\n", session=session)
    assert not preview.result.ok and preview.token is None
    assert staged(staging) == set() and session == {}


def test_a_good_file_is_kept_under_a_token_of_this_session_and_nothing_is_written(staging):
    session = {}
    preview = import_preview(data=demo_csv(), session=session)
    assert preview.result.ok and len(preview.result.rows) == 102
    assert staged(staging) == {preview.token}
    assert session[SESSION_KEY] == [preview.token]
    assert written() == (0, 0)


def test_a_session_keeps_only_its_latest_previews(staging):
    session = {}
    tokens = [import_preview(data=demo_csv(), session=session).token for _ in range(SESSION_TOKENS_KEPT + 1)]
    assert session[SESSION_KEY] == tokens[1:]
    with pytest.raises(ValidationError) as raised:
        import_confirm(token=tokens[0], session=session, user=None)
    assert raised.value.messages == [EXPIRED]
    assert written() == (0, 0)


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "A" * 32, "0" * 31])
def test_a_malformed_token_is_refused(staging, token):
    session = {SESSION_KEY: [token]}  # even when the session somehow holds it
    with pytest.raises(ValidationError) as raised:
        import_confirm(token=token, session=session, user=None)
    assert raised.value.messages == [EXPIRED]


def test_another_sessions_token_is_refused_and_its_file_is_kept(staging):
    mine, theirs = {}, {}
    token = import_preview(data=demo_csv(), session=theirs).token
    with pytest.raises(ValidationError) as raised:
        import_confirm(token=token, session=mine, user=None)
    assert raised.value.messages == [EXPIRED]
    assert staged(staging) == {token} and written() == (0, 0)


def test_a_preview_older_than_its_lifetime_is_removed_and_refused(staging):
    session = {}
    token = import_preview(data=demo_csv(), session=session).token
    old = time.time() - STAGING_MAX_AGE_SECONDS - 60
    os.utime(staging / f"{token}.bin", (old, old))
    with pytest.raises(ValidationError) as raised:
        import_confirm(token=token, session=session, user=None)
    assert raised.value.messages == [MISSING]
    assert staged(staging) == set() and written() == (0, 0)


def test_confirming_writes_once_then_the_file_and_token_are_gone(staging, staff_user):
    session = {}
    token = import_preview(data=demo_csv(), session=session).token

    result = import_confirm(token=token, session=session, user=staff_user)

    assert result.ok and result.written and written() == (102, 102)
    assert set(Person.history.values_list("history_user", "history_change_reason")) == {
        (staff_user.pk, "impor lewat admin")
    }
    assert staged(staging) == set() and session[SESSION_KEY] == []
    with pytest.raises(ValidationError) as raised:
        import_confirm(token=token, session=session, user=staff_user)
    assert raised.value.messages == [EXPIRED]
    assert written() == (102, 102)


def test_two_quick_submits_of_one_preview_import_once_and_the_second_is_told_so(committed_db, staging):
    """A double click on "Simpan impor": two requests, each with its own copy of the session, in their own
    threads and PostgreSQL connections. Whichever comes second imports nothing and is told why."""
    user = get_user_model().objects.create_superuser("staf2", "staf2@kpu.test", "sandi-staf-123")
    session = {}
    token = import_preview(data=demo_csv(), session=session).token

    def submit():
        return import_confirm(token=token, session={SESSION_KEY: list(session[SESSION_KEY])}, user=user)

    threads = [start(submit), start(submit)]
    outcomes = []
    for thread in threads:
        try:
            outcomes.append(thread.finish())
        except ValidationError as exc:
            outcomes.append(exc.messages)
    results = [o for o in outcomes if not isinstance(o, list)]
    assert len(results) == 1 and results[0].ok and results[0].written
    assert [o for o in outcomes if isinstance(o, list)] == [[ALREADY]]
    assert written() == (102, 102)
    assert Person.history.count() == 102
    assert staged(staging) == set()
