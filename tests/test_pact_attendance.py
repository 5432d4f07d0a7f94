"""The attendance sheet of the signing ceremony (issue #13.12), read back from the PDF: the Sekretaris KPU's
validation block, the event's time, the zig-zag signature column (pdftotext's word boxes) and no kelurahan
heading left at the foot of a page (pypdf, page by page) on the 102-member roster."""

import datetime as dt
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError

from integrity.models import Ceremony
from integrity.services.documents import attendance_sheet_pdf, ceremony_appointments
from secretariat.identity import make_nip
from secretariat.models import DecreeTemplate
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from . import pdf

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
SECRETARY_NIP = make_nip(birth_date=dt.date(1975, 3, 2), appointed=(2001, 3), gender="L", serial=1)


@pytest.fixture
def ceremony(db):
    return Ceremony.objects.get()


@pytest.fixture
def roster(db):
    assert members_import(data=demo_csv(), dry_run=False).ok


def words(data: bytes) -> list[tuple[int, float, float, str]]:
    """(page, xMin, yMin, word) of every word, from pdftotext's bounding boxes."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=data, check=True, capture_output=True
    ).stdout.decode()
    found = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            found.append((number, float(x), float(y), word))
    return found


def test_the_validation_block_names_the_configured_sekretaris_kpu_with_the_full_nip(ceremony, roster):
    DecreeTemplate.objects.filter(is_active=True).update(
        authenticator_name="Dra. HJ. NORMA YUNITA, M.Si.", authenticator_nip=SECRETARY_NIP
    )

    data = attendance_sheet_pdf(ceremony)

    text = pdf.flat(data)
    block = "Mengetahui, SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN, Dra. HJ. NORMA YUNITA, M.Si. NIP "
    assert text.count(block + SECRETARY_NIP) == 1
    # Under the list: after the last member, on the last page.
    last_member = ceremony_appointments(ceremony)[-1].person.name
    assert text.index(last_member) < text.index("Mengetahui,")
    pages = pdf.read(data).pages
    assert "Mengetahui," in pages[-1].extract_text() and "Mengetahui," not in pages[0].extract_text()


def test_without_a_configured_secretary_the_block_leaves_lines_for_handwriting(ceremony):
    DecreeTemplate.objects.filter(is_active=True).update(authenticator_name="", authenticator_nip="")

    text = pdf.flat(attendance_sheet_pdf(ceremony))

    assert re.search(
        r"Mengetahui, SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN, \.{20,} NIP \.{20,}", text
    )


@pytest.mark.parametrize(
    ("start", "end", "printed"),
    [
        (None, None, None),
        (dt.time(8, 0), None, "Pukul 08.00 WITA – selesai"),
        (dt.time(8, 0), dt.time(12, 30), "Pukul 08.00 – 12.30 WITA"),
    ],
    ids=["no-time", "start-only", "start-and-end"],
)
def test_the_events_time_is_printed_under_its_date_only_when_set(ceremony, start, end, printed):
    ceremony.start_time, ceremony.end_time = start, end
    ceremony.full_clean()
    ceremony.save()

    text = pdf.flat(attendance_sheet_pdf(ceremony))

    heading = (
        "DAFTAR HADIR Penandatanganan Pakta Integritas Sekretariat PPS "
        "Hotel Novotel Balikpapan, Sabtu, 1 Juni 2024"
    )
    if printed:
        assert f"{heading} {printed} No Nama" in text
    else:
        assert f"{heading} No Nama" in text and "Pukul" not in text


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (None, dt.time(12, 0), "start_time", "Isi pukul mulai bila pukul selesai diisi."),
        (dt.time(12, 0), dt.time(8, 0), "end_time", "Pukul selesai harus sesudah pukul mulai."),
    ],
    ids=["end-without-start", "end-before-start"],
)
def test_an_impossible_time_is_refused_with_an_indonesian_message(ceremony, start, end, field, message):
    ceremony.start_time, ceremony.end_time = start, end
    with pytest.raises(ValidationError) as raised:
        ceremony.full_clean()
    assert raised.value.message_dict == {field: [message]}


def test_odd_numbers_sign_on_the_left_and_even_numbers_on_the_right(ceremony, roster):
    data = attendance_sheet_pdf(ceremony)

    # The signature column's labels are "1.", "2.", ...; the No column holds bare numbers.
    labels = {int(word[:-1]): x for _, x, _, word in words(data) if re.fullmatch(r"\d+\.", word)}
    assert sorted(labels) == list(range(1, 103))
    odd = [x for number, x in labels.items() if number % 2]
    even = [x for number, x in labels.items() if not number % 2]
    assert max(odd) - min(odd) < 1 and max(even) - min(even) < 10  # one column each (wider numbers aside)
    assert min(even) - max(odd) > 20 * MM  # the even half starts past the middle of a 45 mm wide cell


def test_no_kelurahan_heading_is_left_alone_at_the_foot_of_a_page(ceremony, roster):
    data = attendance_sheet_pdf(ceremony)

    pages = [" ".join(page.extract_text().split()) for page in pdf.read(data).pages]
    assert len(pages) > 1
    members = ceremony_appointments(ceremony)
    for kelurahan in {appointment.kelurahan for appointment in members}:
        heading = f"Kelurahan {kelurahan.name} — Kecamatan {kelurahan.kecamatan.name}"
        [page] = [number for number, text in enumerate(pages) if heading in text]
        for appointment in members:
            if appointment.kelurahan == kelurahan:
                assert appointment.person.name in pages[page], (heading, appointment.person.name, page + 1)
