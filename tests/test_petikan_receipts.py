"""Signed Petikan receipts coming home (issue #16.6): scans made from really rendered Petikan (rasterised at
200 dpi, slightly rotated, JPEG-compressed: test_scan_intake's helpers), read by zbar, each page kept as its
Petikan's receipt with the handover date; every other page listed, never kept silently."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from pps_admin.scans import intake
from secretariat.models import Document, DocumentKind, PetikanReceipt
from secretariat.services import petikan_receipts as receipts
from secretariat.services.decrees import decree_issue, decree_revoke
from secretariat.services.document_jobs import document_render_and_store

from .factories import make_appointment, make_person
from .test_pacts import private_files
from .test_scan_intake import blank_page, jpeg_bytes, pdf_of, qr_page, scanned, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_queue")]

HANDOVER = dt.date(2024, 6, 12)


@pytest.fixture
def petikan(db):
    """Two members' Petikan of a decree in force, one of a revoked decree, and the decree's Keputusan."""
    hendra = make_appointment(person=make_person(name="Hendra Saputra"), kelurahan="64.71.01.1001")
    siti = make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara")
    revoked_decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    old = Document.objects.get(decree=revoked_decree, kind=DocumentKind.PETIKAN, appointment=hendra)
    assert document_render_and_store(old.pk).status == "done"
    decree_revoke(decree=revoked_decree, revoked_date=dt.date(2024, 6, 5), reason="Salah tulis nama")
    decree = decree_issue(decree_date=dt.date(2024, 6, 10))
    documents = {
        name: Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=a)
        for name, a in (("hendra", hendra), ("siti", siti))
    }
    documents["keputusan"] = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    for document in documents.values():
        assert document_render_and_store(document.pk).status == "done"
    documents["dicabut"] = old
    return {name: Document.objects.get(pk=d.pk) for name, d in documents.items()}


def intake_user():
    """Who looks at the previews here: a superuser (tests/test_office_isolation.py covers other offices)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(is_superuser=True).first()
    return user or get_user_model().objects.create_superuser("staf.pindaian", password="sandi-uji-12345")


def preview_of(uploads, session):
    token = receipts.receipts_upload(uploads=uploads, session=session)
    assert intake.scans_read(token)
    return receipts.receipts_preview(token=token, session=session, user=intake_user())


def verdicts(preview):
    return [(page.verdict, page.document.pk if page.document else None) for page in preview.pages]


def test_each_receipt_page_is_matched_to_its_petikan_and_every_other_page_listed(petikan, staff_user):
    p = petikan
    pages = [
        scanned(p["hendra"].file.path),
        blank_page(),
        scanned(p["dicabut"].file.path, angle=-2),
        scanned(p["hendra"].file.path, angle=3),  # the same receipt scanned twice
        qr_page("https://pps.kpu-samarinda.go.id/cek/K7QM-3XPA-9DTR/"),
        scanned(p["siti"].file.path),
    ]
    session = {}
    preview = preview_of([upload("tanda-terima.pdf", pdf_of(pages))], session)
    assert verdicts(preview) == [
        ("simpan", p["hendra"].pk),
        ("tanpa_kode", None),
        ("dicabut", p["dicabut"].pk),
        ("ganda", p["hendra"].pk),
        ("kantor_lain", None),
        ("simpan", p["siti"].pk),
    ]
    assert "5 Juni 2024" in preview.pages[2].message
    assert "halaman 1 unggahan ini" in preview.pages[3].message
    assert not PetikanReceipt.objects.exists()  # a preview keeps nothing

    outcome = receipts.receipts_confirm(
        token=preview.token, session=session, received_date=HANDOVER, user=staff_user
    )
    assert [r.document.pk for r in outcome.attached] == [p["hendra"].pk, p["siti"].pk]
    assert len(outcome.problems) == 4
    for name in ("hendra", "siti"):
        receipt = PetikanReceipt.objects.get(document=p[name])
        stored = Path(receipt.scan.path).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == receipt.scan_sha256
        assert receipt.received_date == HANDOVER and receipt.created_by == staff_user
        (history,) = receipt.history.all()
        assert (history.history_user, history.history_change_reason) == (staff_user, "tanda terima diunggah")

    # Scanned again: already received, nothing kept twice.
    again = preview_of([upload("lagi.jpg", jpeg_bytes(scanned(p["siti"].file.path)))], session)
    assert verdicts(again) == [("sudah_diterima", p["siti"].pk)] and again.token is None
    assert "12 Juni 2024" in again.pages[0].message


def test_a_pact_page_or_the_keputusan_is_not_a_petikan(petikan):
    session = {}
    keputusan = petikan["keputusan"]
    preview = preview_of(
        [upload("k.jpg", jpeg_bytes(scanned(keputusan.file.path, page=keputusan.pages)))], session
    )
    assert [page.verdict for page in preview.pages] == ["bukan_petikan"]
    assert "Keputusan" in preview.pages[0].message


def test_a_future_handover_date_or_a_second_submit_keeps_nothing(petikan, staff_user):
    session = {}
    preview = preview_of([upload("a.jpg", jpeg_bytes(scanned(petikan["hendra"].file.path)))], session)
    with pytest.raises(ValidationError) as raised:
        receipts.receipts_confirm(
            token=preview.token, session=session, received_date=dt.date(2999, 1, 1), user=staff_user
        )
    assert raised.value.messages == [receipts.FUTURE_DATE]
    with pytest.raises(ValidationError) as raised:  # before the decree was signed: a typo, refused whole
        receipts.receipts_confirm(
            token=preview.token, session=session, received_date=dt.date(2024, 6, 9), user=staff_user
        )
    decree = petikan["hendra"].decree
    assert raised.value.messages == [receipts.BEFORE_DECREE.format(number=decree.number, date="10 Juni 2024")]
    assert not PetikanReceipt.objects.exists()
    copy = {key: list(value) for key, value in session.items()}  # the second request's own session
    receipts.receipts_confirm(token=preview.token, session=session, received_date=HANDOVER, user=staff_user)
    with pytest.raises(ValidationError) as raised:
        receipts.receipts_confirm(token=preview.token, session=copy, received_date=HANDOVER, user=staff_user)
    assert raised.value.messages == [intake.ALREADY]
    assert PetikanReceipt.objects.count() == 1


def test_a_pact_token_is_not_a_receipt_token(petikan, staff_user):
    from integrity.services import scan_intake

    session = {}
    token = scan_intake.scan_intake_upload(
        uploads=[upload("a.jpg", jpeg_bytes(scanned(petikan["hendra"].file.path)))], session=session
    )
    assert intake.scans_read(token)
    with pytest.raises(ValidationError):
        receipts.receipts_confirm(token=token, session=session, received_date=HANDOVER, user=staff_user)
    assert not PetikanReceipt.objects.exists()


def test_staff_pages_the_decree_page_counts_receipts_and_the_member_sees_theirs(
    petikan, staff_client, client
):
    hendra = petikan["hendra"]
    before = private_files()
    response = staff_client.post(
        reverse("admin:secretariat_receipts"),
        {"scans": [upload("IMG_1.jpg", jpeg_bytes(scanned(hendra.file.path)), "image/jpeg")]},
    )
    assert response.status_code == 302
    status = response["Location"]
    assert "Membaca halaman 0 dari 1" in staff_client.get(status).content.decode()
    assert intake.scans_read(status.rstrip("/").rsplit("/", 1)[1])
    response = staff_client.get(status)
    page = response.content.decode()
    assert "Hendra Saputra" in page and hendra.appointment.person.nik not in page
    response = staff_client.post(
        reverse("admin:secretariat_receipts_confirm"),
        {"token": response.context["confirm_form"].initial["token"], "received_date": HANDOVER.isoformat()},
    )
    assert "1 tanda terima Petikan disimpan" in response.content.decode()
    receipt = PetikanReceipt.objects.get()
    assert receipt.document == hendra and Path(receipt.scan.path) in private_files() - before

    detail = staff_client.get(reverse("admin:secretariat_decree_change", args=[hendra.decree_id]))
    text = detail.content.decode()
    assert "Tanda terima Petikan diterima: 1 dari 2" in text
    assert reverse("admin:secretariat_receipt_scan", args=[receipt.pk]) in text
    download = staff_client.get(reverse("admin:secretariat_receipt_scan", args=[receipt.pk]))
    assert b"".join(download.streaming_content) == Path(receipt.scan.path).read_bytes()

    person = hendra.appointment.person
    person.user = get_user_model().objects.create_user("anggota.uji", password="sandi-anggota-123")
    person.save()
    client.force_login(person.user)
    assert "Tanda terima diterima tgl. 12 Juni 2024" in client.get(reverse("portal:home")).content.decode()


def test_without_permission_the_receipt_pages_are_refused(petikan, viewer_user, client):
    client.force_login(viewer_user)
    assert client.get(reverse("admin:secretariat_receipts")).status_code == 403
