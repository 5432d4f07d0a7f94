"""Indonesia has three time zones (WIB, WITA, WIT) and an office prints and shows its own: a KIP Kota Banda
Aceh ceremony at 09.00 is at 09.00 WIB, never "WITA" (the deployment's TIME_ZONE, Balikpapan's), and a
sheet printed at 12.51 UTC in Banda Aceh says 19.51. In a desa (a gampong of Aceh) the sheets say "Desa"
where a kelurahan's say "Kelurahan"."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from integrity.models import Ceremony
from integrity.services.documents import attendance_content
from kelurahan.codes import time_zone_of
from secretariat.models import Document, DocumentKind, DocumentStatus, GenerationJob, JobKind
from secretariat.roles import VIEWER
from secretariat.services.accounts import HandoverRow, handover_sheet_pdf
from secretariat.services.verification import document_facts

from . import pdf
from .factories import install_local_seal, join_office, make_appointment, make_person, office

pytestmark = pytest.mark.django_db

GAMPONG = "11.71.01.2001"  # Kampung Baru, a gampong (desa code) of Kota Banda Aceh
UTC = dt.UTC


@pytest.fixture
def banda_aceh(db):
    for command, arg in (("load_regions", "11"), ("create_office", "11.71")):
        call_command(command, arg, stdout=io.StringIO(), stderr=io.StringIO())
    install_local_seal(office("11.71"))  # its documents are signed with its own seal
    return office("11.71")


@pytest.mark.parametrize(
    "code,zone",
    [
        ("11.71", "Asia/Jakarta"),  # Aceh: WIB
        ("31", "Asia/Jakarta"),  # DKI Jakarta
        ("61.71", "Asia/Jakarta"),  # Kalimantan Barat is WIB, the rest of Kalimantan WITA
        ("62.71", "Asia/Jakarta"),  # Kalimantan Tengah likewise
        ("64.71", "Asia/Makassar"),  # Balikpapan: WITA
        ("51.71", "Asia/Makassar"),  # Bali
        ("73.71", "Asia/Makassar"),  # Sulawesi Selatan
        ("81.71", "Asia/Jayapura"),  # Maluku: WIT
        ("91.71", "Asia/Jayapura"),  # Papua
        ("96.71", "Asia/Jayapura"),  # Papua Barat Daya
        ("0P.01", None),  # a synthetic region (seed_synthetic): none known
    ],
)
def test_each_province_has_its_legal_time_zone(code, zone):
    assert time_zone_of(code) == zone


def test_a_banda_aceh_ceremony_at_nine_is_at_nine_wib(banda_aceh):
    ceremony = Ceremony.objects.create(
        office=banda_aceh,
        name="Penandatanganan",
        date=dt.date(2024, 6, 3),
        place="Aula KIP",
        start_time=dt.time(9, 0),
        end_time=dt.time(12, 0),
    )
    assert attendance_content(ceremony)["ceremony"]["time_label"] == "Pukul 09.00 – 12.00 WIB"


def test_a_balikpapan_ceremony_stays_wita(db):
    ceremony = Ceremony.objects.create(
        office=office("64.71"), name="Uji", date=dt.date(2024, 6, 1), place="Aula", start_time=dt.time(8, 0)
    )
    assert ceremony.time_label == "Pukul 08.00 WITA – selesai"


def test_the_attendance_sheet_of_gampong_members_heads_its_column_desa(banda_aceh):
    make_appointment(person=make_person(office_code="11.71", region="117101"), kelurahan=GAMPONG)
    ceremony = Ceremony.objects.create(office=banda_aceh, name="Uji", date=dt.date(2024, 6, 3), place="Aula")
    text = pdf.text(attendance_sheet_pdf(ceremony))
    assert re.search(r"Jabatan\s+Desa\s+Tanda tangan", text), text
    assert "Kelurahan" not in text


def test_a_balikpapan_attendance_sheet_is_the_same_record_as_before(db):
    # Its content (and so its fingerprint, the record it is) gains no key for a kelurahan office.
    make_appointment()
    ceremony = Ceremony.objects.create(
        office=office("64.71"), name="Uji", date=dt.date(2024, 6, 1), place="A"
    )
    assert "village_heading" not in attendance_content(ceremony)


def attendance_sheet_pdf(ceremony) -> bytes:
    from integrity.services.documents import attendance_sheet_document

    return attendance_sheet_document(ceremony).file.read()


def test_the_handover_sheet_of_banda_aceh_is_printed_in_wib_and_names_the_gampong_a_desa(banda_aceh):
    rows = [HandoverRow(GAMPONG, "sekretaris", "Cut Uji", "kampungbaru.sekretaris", "Sandi-Uji-1")]
    printed = dt.datetime(2024, 6, 3, 12, 51, tzinfo=UTC)
    text = pdf.text(handover_sheet_pdf(rows, portal_url="https://pps-cek.invalid/", generated=printed))
    assert "dicetak 3 Juni 2024 pukul 19.51 WIB" in text  # 12.51 UTC is 19.51 WIB (20.51 WITA)
    assert "Desa Kampung Baru (11.71.01.2001)" in text


def test_the_check_page_dates_a_banda_aceh_document_by_banda_aceh_s_calendar(banda_aceh):
    # 16.30 UTC on 1 June is 23.30 WIB, still 1 June in Banda Aceh (in WITA it is already 2 June).
    appointment = make_appointment(
        person=make_person(office_code="11.71", region="117101"), kelurahan=GAMPONG
    )
    job = GenerationJob.objects.create(office=banda_aceh, kind=JobKind.PAKTA, total=1)
    document = Document.objects.create(
        job=job,
        kind=DocumentKind.PAKTA,
        appointment=appointment,
        status=DocumentStatus.DONE,
        file="documents/pakta/uji.pdf",
        sha256="0" * 64,
        finished_at=dt.datetime(2024, 6, 1, 16, 30, tzinfo=UTC),
    )
    assert document_facts(document)["issued_on"] == "1 Juni 2024"


def test_banda_aceh_staff_read_the_admin_s_times_in_wib(client, banda_aceh):
    user = get_user_model().objects.create_user("pengamat-bna", password="sandi-uji-12345", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWER))
    join_office(user, "11.71")
    person = make_person(office_code="11.71", region="117101")
    client.force_login(user)
    page = client.get(reverse("admin:secretariat_person_history", args=[person.pk])).content.decode()
    recorded = person.history.first().history_date
    wib = timezone.localtime(recorded, timezone=dt.timezone(dt.timedelta(hours=7)))
    wita = timezone.localtime(recorded, timezone=dt.timezone(dt.timedelta(hours=8)))
    assert f"{wib:%H.%M}" in page or f"{wib:%H:%M}" in page
    assert f"{wita:%H.%M}" not in page and f"{wita:%H:%M}" not in page
