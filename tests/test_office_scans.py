"""The ceremony's scan upload matches only the uploader's office's pacts (issue #17): a page whose QR code
is another office's pact is "tidak dikenal", as a code that does not exist, and is never attached."""

import datetime as dt

import pytest

from integrity.models import Ceremony, Pact
from integrity.services import scan_intake
from integrity.services.pacts import pacts_generate
from pps_admin.scans.pages import ScanPage
from secretariat.models import Document, DocumentStatus
from secretariat.services.staff_accounts import staff_account_set

from .factories import make_appointment, make_person, office
from .test_decrees import small_png
from .test_office_isolation import samarinda_office

pytestmark = pytest.mark.django_db


def _issued_pact(office_code: str, kelurahan: str, name: str) -> Pact:
    appointment = make_appointment(
        person=make_person(office_code=office_code, name=name, region=kelurahan.replace(".", "")[:6]),
        kelurahan=kelurahan,
    )
    # Pacts are made only for an office with a signing ceremony (tests/test_pact_ceremony.py).
    Ceremony.objects.get_or_create(
        office=office(office_code), defaults={"name": "Uji", "date": dt.date(2024, 6, 1), "place": "Aula"}
    )
    pacts_generate(office=office(office_code))
    # Stored as if rendered: the match reads the row, not the file.
    Document.objects.filter(pact__appointment=appointment).update(
        status=DocumentStatus.DONE, file="pakta.pdf", sha256="0" * 64
    )
    return Pact.objects.select_related("document").get(appointment=appointment)


def _page(number: int, pact: Pact) -> ScanPage:
    return ScanPage(number, f"foto-{number}.png", small_png(), "png", [pact.document.check_code])


def test_another_offices_pact_is_an_unknown_code_and_stays_unsigned():
    samarinda = samarinda_office()
    kelurahan = samarinda.regency.kecamatan.order_by("code").first().kelurahan.order_by("code").first()
    ours = _issued_pact("64.71", "64.71.01.1001", "Rusdianto Bukitpapan")
    theirs = _issued_pact("64.72", kelurahan.code, "Sumarni Mahakamwati")
    operator = staff_account_set(username="operator-bpp", office=office("64.71"), role="operator").user

    verdicts = scan_intake.pages_classify([_page(1, ours), _page(2, theirs)], user=operator)
    assert [v.verdict for v in verdicts] == [scan_intake.ATTACH, "tidak_dikenal"]
    assert "Sumarni" not in verdicts[1].message and verdicts[1].pact is None

    # The confirm step classifies the staged pages again, under lock, with this same function and user
    # (scan_intake._attach), so another office's page cannot be attached there either.
