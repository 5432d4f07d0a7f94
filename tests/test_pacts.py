"""Integrity pacts, services level: generation, the PDF, text versions, status rules, scans, audit,
the signing dashboard and the attendance sheet. Documents are rendered in the test process with
document_render_and_store (no worker): REDIS_URL is set in the suite, so tasks are never eager."""

import datetime as dt
import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from integrity import defaults
from integrity.models import Ceremony, Pact, PactStatus, PactText
from integrity.selectors import signing_dashboard
from integrity.services.documents import attendance_sheet_pdf, pact_pdf
from integrity.services.pacts import (
    pact_attach_scan,
    pacts_generate,
    pacts_mark_printed,
    pacts_mark_signed,
)
from kelurahan.models import Kelurahan
from pps_admin.scans.checks import MAX_SCAN_BYTES
from secretariat.models import Appointment, Document, GenerationJob, Person
from secretariat.services.demo import demo_csv, demo_rows
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.importing import members_import
from secretariat.services.roster_format import HEADER
from secretariat.services.spreadsheet import write_csv

from . import pdf
from .factories import join_office, make_appointment, make_person, office, person_fields, replace_member
from .threads import Held, start, waits_for_a_lock

pytestmark = pytest.mark.django_db

CEREMONY_DAY = dt.date(2024, 6, 1)
NOVOTEL = "Hotel Novotel Balikpapan"
MANGGAR, LAMARU = "64.71.01.1001", "64.71.01.1002"  # Balikpapan Timur
BARU_ILIR = "64.71.02.1001"  # Balikpapan Barat
KLANDASAN_ILIR = "64.71.06.1004"  # Balikpapan Kota
ROLES = ["sekretaris", "bendahara", "staf_teknis"]
WRONG_TYPE = "Pindaian harus berupa PDF, JPEG atau PNG (diperiksa dari isi berkas)."
TOO_BIG = "Berkas pindaian terlalu besar (maksimal 5 MB)."


# --- real, minimal files (no Pillow): shared with the admin and browser tests ---------------------


def minimal_pdf(text: str = "Pakta bertanda tangan", catalog_extra: bytes = b"") -> bytes:
    """A valid one-page PDF 1.4 with a correct cross-reference table (pypdf reads it strictly);
    `catalog_extra` is written into the catalog as it is (for hostile files)."""
    content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def minimal_jpeg() -> bytes:
    """A baseline 1x1 grey JPEG: quantisation table, frame, one-code DC/AC Huffman tables, one block."""
    return (
        b"\xff\xd8"
        + _jpeg_segment(0xDB, b"\x00" + bytes([1] * 64))
        + _jpeg_segment(0xC0, b"\x08" + struct.pack(">HH", 1, 1) + b"\x01\x01\x11\x00")
        + _jpeg_segment(0xC4, b"\x00\x01" + bytes(15) + b"\x00")
        + _jpeg_segment(0xC4, b"\x10\x01" + bytes(15) + b"\x00")
        + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # DC difference 0, then end of block
        + b"\xff\xd9"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def minimal_png(width: int = 2, height: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def private_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "private"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- helpers ----------------------------------------------------------------------------------------


def appoint(
    name: str, kelurahan: str = MANGGAR, role: str = "sekretaris", *, end_date=None, end_reason="", **person
) -> Appointment:
    return make_appointment(
        person=make_person(name=name, **person),
        kelurahan=kelurahan,
        role=role,
        end_date=end_date,
        end_reason=end_reason,
    )


def generate(user=None) -> list[Pact]:
    pacts_generate(user=user)
    return list(Pact.objects.select_related("appointment__person", "document").order_by("pk"))


def render(pact: Pact) -> Document:
    document = document_render_and_store(pact.document_id)
    assert document.status == "done", document.error
    return document


def make_pacts(count: int) -> list[Pact]:
    """`count` active appointments (whole kelurahan, roster order) with their pacts, no PDFs rendered."""
    codes = list(Kelurahan.objects.order_by("code").values_list("code", flat=True))
    for index in range(count):
        make_appointment(kelurahan=codes[index // 3], role=ROLES[index % 3])
    return generate()


def history_reasons(pact: Pact) -> list:
    return [(h.history_change_reason, h.history_user, h.status) for h in pact.history.order_by("history_id")]


@pytest.fixture
def ceremony(db):
    return Ceremony.objects.get()


@pytest.fixture
def other_user(django_user_model):
    return join_office(
        django_user_model.objects.create_user("operator2", password="sandi-operator-2", is_staff=True)
    )


# --- generation -------------------------------------------------------------------------------------


def test_pacts_generate_creates_one_pact_and_one_pending_document_per_active_appointment(
    staff_user, ceremony
):
    active = [
        appoint("Rahmat Sekretaris Manggar", MANGGAR, "sekretaris"),
        appoint("Siti Bendahara Manggar", MANGGAR, "bendahara", gender="P"),
        appoint("Andi Staf Lamaru", LAMARU, "staf_teknis"),
    ]
    ended = appoint(
        "Dedi Sudah Berhenti", BARU_ILIR, end_date=dt.date(2024, 5, 30), end_reason="mengundurkan_diri"
    )
    text = PactText.current(office())
    assert text.version == 2  # the standard text (version 1 is the old default, kept as a record)

    job = pacts_generate(user=staff_user)

    assert isinstance(job, GenerationJob)
    assert (job.kind, job.total, job.requested_by, job.status) == ("pakta", 3, staff_user, "queued")
    pacts = Pact.objects.select_related("document").order_by("appointment_id")
    assert [p.appointment for p in pacts] == active
    for pact in pacts:
        assert pact.text == text and pact.ceremony == ceremony
        assert pact.status == PactStatus.NOT_PRINTED
        assert (pact.signed_date, pact.signed_place, pact.scan.name) == (None, "", "")
        assert pact.document.job == job and pact.document.kind == "pakta"
        assert pact.document.appointment_id == pact.appointment_id
        assert pact.document.status == "pending"
    assert job.documents.count() == 3
    assert not Pact.objects.filter(appointment=ended).exists()


def test_pacts_generate_returns_none_when_every_active_appointment_has_a_pact(staff_user):
    appoint("Budi Pertama", MANGGAR)
    appoint("Wulan Kedua", MANGGAR, "bendahara", gender="P")
    assert pacts_generate(user=staff_user).total == 2

    assert pacts_generate(user=staff_user) is None
    assert (Pact.objects.count(), Document.objects.count(), GenerationJob.objects.count()) == (2, 2, 1)

    newcomer = appoint("Fajar Datang Kemudian", LAMARU, "staf_teknis")
    job = pacts_generate(user=staff_user)
    assert job.total == 1
    assert [d.appointment for d in job.documents.all()] == [newcomer]
    assert Pact.objects.count() == 3


def test_pacts_generate_without_any_pact_text_is_refused():
    appoint("Yusuf Tanpa Teks", MANGGAR)
    PactText.objects.all().delete()
    with pytest.raises(ValidationError, match="teks pakta integritas"):
        pacts_generate()
    assert not Pact.objects.exists() and not GenerationJob.objects.exists()


def test_a_replacement_commits_while_pacts_are_being_generated(committed_db, own_queue):
    """Generating locks the period so that two generations never overlap; a new appointment in that
    period (here a replacement) checks at commit that the period exists, which must not wait for it."""
    member = appoint("Rahmat Sekretaris Manggar", MANGGAR)
    generating = Held(pacts_generate)
    replacing = start(lambda: replace_member(member, name="Siti Pengganti"))
    waited = waits_for_a_lock(replacing)
    generating.release()
    replacing.finish()
    assert not waited
    assert Pact.objects.get().appointment == member


# --- the PDF ----------------------------------------------------------------------------------------


def test_pact_pdf_has_the_standard_text_identity_pledges_place_date_and_the_asn_signers_nip():
    appointment = appoint("Hendra Wijaya Kusuma", MANGGAR, "bendahara", asn=True)
    [pact] = generate()
    document = render(pact)

    assert document.pages == 1
    [size] = pdf.page_sizes(document.file.path)
    assert pdf.is_size(size, pdf.F4_POINTS)
    text = pdf.flat(document.file.path)
    person = appointment.person
    for expected in (
        "PAKTA INTEGRITAS",
        *(" ".join(paragraph.split()) for paragraph in defaults.PREAMBLE.splitlines()),
        "titik awal strategis bagi perbaikan kualitas demokrasi",
        f"Nama : Hendra Wijaya Kusuma NIK : {person.nik} NIP : {person.nip}",
        "Jabatan : Bendahara Sekretariat PPS Kelurahan : Manggar Kecamatan : Balikpapan Timur",
        " ".join(defaults.COMMITMENT.split()),
        defaults.CLOSING,
    ):
        assert expected in text, expected
    # Nine numbered pledges, in order, among them impartiality, no KKN or conflict of interest, sanctions
    # (pypdf reads the list numbers after the items, all together).
    assert len(defaults.PLEDGES) == 9 and "1. 2. 3. 4. 5. 6. 7. 8. 9." in text and "10." not in text
    unwrapped = text.replace("- ", "-")  # "sungguh-|sungguh" broken at its hyphen reads "sungguh- sungguh"
    positions = [unwrapped.index(" ".join(pledge.split())) for pledge in defaults.PLEDGES]
    assert positions == sorted(positions)
    for phrase in ("imparsial, dan nonpartisan", "korupsi, kolusi, dan nepotisme", "konflik kepentingan"):
        assert phrase in text, phrase
    assert "kode etik penyelenggara Pemilu apabila melanggar pakta integritas ini." in text
    # Place and date after the pledges, then the signer's name with the NIP on the line under it.
    assert positions[-1] < unwrapped.index(
        "Balikpapan, 1 Juni 2024 Yang membuat pernyataan, Hendra Wijaya Kusuma"
    )
    lines = pdf.text(document.file.path).splitlines()
    name_line = len(lines) - 1 - lines[::-1].index("Hendra Wijaya Kusuma")
    assert lines[name_line + 1] == f"NIP {person.nip}"  # as every other document writes it
    assert text.count(person.nip) == 2  # identity and signature


def test_a_non_asn_members_pact_has_no_nip_anywhere():
    appoint("Rina Bukan Pegawai", LAMARU, "staf_teknis", gender="P")
    [pact] = generate()

    text = pdf.flat(render(pact).file.path)

    assert "Jabatan : Staf Teknis Sekretariat PPS Kelurahan : Lamaru" in text
    assert "NIP" not in text
    assert "Yang membuat pernyataan, Rina Bukan Pegawai" in text


def test_the_secretarys_pact_names_the_post_sekretaris_pps():
    appoint("Budi Sekretaris", MANGGAR, "sekretaris")
    [pact] = generate()
    assert "Jabatan : Sekretaris PPS Kelurahan : Manggar" in pdf.flat(render(pact).file.path)


def _exactly(text: str, length: int) -> str:
    text = text[:length].rstrip()
    return text + "a" * (length - len(text))


NAME_WORDS = ["Muhammad", "Abdurrahman", "Wicaksono", "Purbaningrat", "Sastrodiningrat", "Hadikusumo"]
LONG_NAME = _exactly(" ".join(NAME_WORDS * 4), 150)
LONG_KELURAHAN = _exactly("Kelurahan Percobaan Nama Sangat Panjang Sekali " * 3, 100)


@pytest.mark.parametrize("stamp_duty", [False, True], ids=["without-stamp", "with-stamp-box"])
@pytest.mark.parametrize(
    "name",
    [LONG_NAME, LONG_NAME.upper(), _exactly(" ".join(["SASTRODININGRAT"] * 10), 150)],
    ids=["title-case", "capitals", "long-capital-words"],
)
def test_pact_with_150_character_name_and_100_character_kelurahan_still_fits_one_f4_page(name, stamp_duty):
    assert len(name) == 150 and name.replace(" ", "").isalpha()
    kelurahan_name = LONG_KELURAHAN
    assert len(kelurahan_name) == 100
    Kelurahan.objects.filter(code=KLANDASAN_ILIR).update(name=kelurahan_name)
    if stamp_duty:
        current = PactText.current(office())
        PactText.objects.create(
            office=office(),
            version=current.version + 1,
            title=current.title,
            preamble=current.preamble,
            commitment=current.commitment,
            pledges=current.pledges,
            closing=current.closing,
            stamp_duty=True,
        )
    person = Person.objects.create(office=office(), **person_fields(name=name, asn=True))
    make_appointment(person=person, kelurahan=KLANDASAN_ILIR, role="staf_teknis")
    [pact] = generate()
    assert pact.text.stamp_duty is stamp_duty

    document = render(pact)

    assert document.pages == 1
    [size] = pdf.page_sizes(document.file.path)
    assert pdf.is_size(size, pdf.F4_POINTS)
    text = pdf.flat(document.file.path)
    assert text.count(name) == 2
    assert kelurahan_name in text
    assert "Balikpapan, 1 Juni 2024" in text and "Yang membuat pernyataan," in text
    assert ("Meterai" in text) is stamp_duty


# --- text versions ----------------------------------------------------------------------------------

NEW_PLEDGE = "Akan menjaga kerahasiaan data pribadi pemilih sesuai Undang-Undang Pelindungan Data Pribadi;"


TEXT_FIELDS = ("title", "preamble", "commitment", "pledges", "closing")


def save_text_in_admin(client, **changes):
    current = PactText.current(office())
    data = {**{field: getattr(current, field) for field in TEXT_FIELDS}, **changes}
    return client.post(reverse("admin:integrity_pacttext_change", args=[current.pk]), data)


def test_the_migrations_keep_the_old_default_as_version_1_and_make_the_standard_text_current():
    version_1, version_2 = PactText.objects.order_by("version")
    assert (version_1.version, version_2.version) == (1, 2)
    assert len(version_1.pledge_list) == 7 and version_1.commitment == ""
    assert version_2 == PactText.current(office())
    assert version_2.preamble == defaults.PREAMBLE and version_2.commitment == defaults.COMMITMENT
    assert version_2.pledge_list == defaults.PLEDGES and version_2.closing == defaults.CLOSING


def _migration():
    from importlib import import_module

    return import_module("integrity.migrations.0004_standard_pact_text_and_ceremony_time")


def test_the_standard_text_migration_adds_a_version_only_over_the_untouched_old_default():
    from django.apps import apps

    # A database whose current text is still the old default (as version 3, say) gets the standard next.
    old = PactText.objects.get(version=1)
    PactText.objects.create(
        office=office(),
        version=3,
        title=old.title,
        preamble=old.preamble,
        pledges=old.pledges,
        closing=old.closing,
    )
    _migration().add_standard_text(apps, None)
    assert (
        PactText.current(office()).version == 4 and PactText.current(office()).pledge_list == defaults.PLEDGES
    )

    # A text staff have edited stays current: nothing is added over it.
    PactText.objects.create(
        office=office(), version=5, title="PAKTA INTEGRITAS", preamble="Pembuka kantor", pledges="Satu;"
    )
    _migration().add_standard_text(apps, None)
    assert PactText.current(office()).version == 5 and PactText.objects.count() == 5


def test_saving_pact_text_in_admin_creates_a_new_version_and_leaves_the_current_one_untouched(
    staff_client, staff_user
):
    current = PactText.current(office())
    before = {f: getattr(current, f) for f in (*TEXT_FIELDS, "created_at")}
    new_pledges = f"{current.pledges}\n{NEW_PLEDGE}"

    response = save_text_in_admin(staff_client, pledges=new_pledges)

    assert response.status_code == 302
    assert PactText.objects.count() == 3
    current.refresh_from_db()
    assert {f: getattr(current, f) for f in before} == before
    assert current.pledges == "\n".join(defaults.PLEDGES)
    newest = PactText.current(office())
    assert newest.version == 3 and newest.pk != current.pk
    assert newest.pledge_list == [*defaults.PLEDGES, NEW_PLEDGE]
    assert newest.commitment == defaults.COMMITMENT
    assert newest.created_by == staff_user
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Disimpan sebagai versi baru (3)." in messages


def test_existing_pacts_keep_their_version_and_its_wording_while_new_pacts_get_the_next(staff_client):
    appoint("Irfan Sudah Dicetak", MANGGAR, "sekretaris")
    appoint("Dewi Belum Dicetak", MANGGAR, "bendahara", gender="P")
    rendered_before, rendered_after = generate()
    first = render(rendered_before)
    first_sha = first.sha256
    old_pledge = defaults.PLEDGES[2]
    changed_pledge = "Akan bersikap netral terhadap seluruh peserta Pemilihan tanpa kecuali;"

    response = save_text_in_admin(
        staff_client, pledges="\n".join([*defaults.PLEDGES[:2], changed_pledge, *defaults.PLEDGES[3:]])
    )
    assert response.status_code == 302

    standard, edited = PactText.objects.get(version=2), PactText.objects.get(version=3)
    assert set(Pact.objects.values_list("text_id", flat=True)) == {standard.pk}
    # A pact queued before the change but rendered after it still carries the old words.
    second = pdf.flat(render(rendered_after).file.path)
    assert " ".join(old_pledge.split()) in second and changed_pledge not in second
    # Rendering the first pact again gives the same words, and the stored file is not replaced.
    again = pdf.flat(pact_pdf(first))
    assert " ".join(old_pledge.split()) in again and changed_pledge not in again
    assert document_render_and_store(first.pk).sha256 == first_sha

    appoint("Rina Anggota Baru", LAMARU, "staf_teknis", gender="P")
    assert pacts_generate().total == 1
    newest = Pact.objects.get(appointment__person__name="Rina Anggota Baru")
    assert newest.text == edited
    text = pdf.flat(render(newest).file.path)
    assert changed_pledge in text and " ".join(old_pledge.split()) not in text


# --- status transitions -----------------------------------------------------------------------------


@pytest.fixture
def pact(db):
    appoint("Agus Penanda Tangan", MANGGAR)
    [pact] = generate()
    return pact


def test_pact_goes_from_belum_dicetak_to_dicetak_to_ditandatangani(pact, staff_user):
    assert pact.status == PactStatus.NOT_PRINTED

    assert pacts_mark_printed(pacts=[pact], user=staff_user) == 1
    pact.refresh_from_db()
    assert pact.status == PactStatus.PRINTED and pact.recorded_by == staff_user
    assert pacts_mark_printed(pacts=[pact], user=staff_user) == 0

    count = pacts_mark_signed(
        pacts=[pact], signed_date=CEREMONY_DAY, signed_place=f"  {NOVOTEL} ", user=staff_user
    )
    assert count == 1
    pact.refresh_from_db()
    assert pact.status == PactStatus.SIGNED
    assert (pact.signed_date, pact.signed_place) == (CEREMONY_DAY, NOVOTEL)
    assert pact.recorded_by == staff_user
    assert timezone.now() - pact.recorded_at < dt.timedelta(minutes=1)


def test_pact_can_be_signed_straight_from_belum_dicetak(pact, staff_user):
    assert (
        pacts_mark_signed(pacts=[pact], signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=staff_user) == 1
    )
    pact.refresh_from_db()
    assert pact.status == PactStatus.SIGNED and pact.signed_date == CEREMONY_DAY


def test_marking_a_signed_pact_printed_does_not_move_it_back(pact, staff_user):
    pacts_mark_signed(pacts=[pact], signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=staff_user)
    assert pacts_mark_printed(pacts=[pact], user=staff_user) == 0
    pact.refresh_from_db()
    assert pact.status == PactStatus.SIGNED


def test_second_bulk_sign_leaves_already_signed_pacts_unchanged(staff_user, other_user):
    appoint("Lestari Sudah Tanda Tangan", MANGGAR, "sekretaris", gender="P")
    appoint("Rizky Menyusul", MANGGAR, "bendahara")
    first, late = generate()
    pacts_mark_signed(pacts=[first], signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=staff_user)
    first.refresh_from_db()
    recorded_at, recorded = first.recorded_at, first.history.count()

    count = pacts_mark_signed(
        pacts=[first, late],
        signed_date=dt.date(2024, 6, 3),
        signed_place="Kantor KPU Kota Balikpapan",
        user=other_user,
    )

    assert count == 1
    first.refresh_from_db()
    late.refresh_from_db()
    assert (first.signed_date, first.signed_place, first.recorded_by) == (CEREMONY_DAY, NOVOTEL, staff_user)
    assert first.recorded_at == recorded_at
    assert first.history.count() == recorded
    assert (late.status, late.signed_date, late.signed_place, late.recorded_by) == (
        PactStatus.SIGNED,
        dt.date(2024, 6, 3),
        "Kantor KPU Kota Balikpapan",
        other_user,
    )


@pytest.mark.parametrize(
    ("signed_date", "signed_place", "message"),
    [
        (None, NOVOTEL, "Tanggal penandatanganan tidak boleh di masa depan."),
        (CEREMONY_DAY, "", "Tempat penandatanganan wajib diisi."),
        (CEREMONY_DAY, "   ", "Tempat penandatanganan wajib diisi."),
    ],
    ids=["tomorrow", "empty-place", "blank-place"],
)
def test_signing_in_the_future_or_without_a_place_is_refused(
    pact, staff_user, signed_date, signed_place, message
):
    signed_date = signed_date or timezone.localdate() + dt.timedelta(days=1)
    recorded = pact.history.count()
    with pytest.raises(ValidationError) as raised:
        pacts_mark_signed(pacts=[pact], signed_date=signed_date, signed_place=signed_place, user=staff_user)
    assert raised.value.messages == [message]
    pact.refresh_from_db()
    assert (pact.status, pact.signed_date, pact.signed_place) == (PactStatus.NOT_PRINTED, None, "")
    assert pact.history.count() == recorded


def test_signing_today_is_allowed(pact, staff_user):
    today = timezone.localdate()
    assert pacts_mark_signed(pacts=[pact], signed_date=today, signed_place="Balikpapan", user=staff_user) == 1


@pytest.mark.parametrize(
    "fields",
    [{"signed_date": None, "signed_place": NOVOTEL}, {"signed_date": CEREMONY_DAY, "signed_place": ""}],
    ids=["without-date", "without-place"],
)
def test_database_refuses_a_signed_pact_without_date_or_place(pact, fields):
    with pytest.raises(IntegrityError, match="signed_pact_has_date_and_place"), transaction.atomic():
        Pact.objects.filter(pk=pact.pk).update(status=PactStatus.SIGNED, **fields)
    pact.refresh_from_db()
    assert pact.status == PactStatus.NOT_PRINTED


def test_thirty_pacts_are_marked_printed_then_signed_in_one_call_each(staff_user):
    pacts = make_pacts(30)
    assert len(pacts) == 30

    assert pacts_mark_printed(pacts=pacts, user=staff_user) == 30
    assert set(Pact.objects.values_list("status", flat=True)) == {PactStatus.PRINTED}
    assert (
        pacts_mark_signed(pacts=pacts, signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=staff_user) == 30
    )

    assert (
        Pact.objects.filter(
            status=PactStatus.SIGNED, signed_date=CEREMONY_DAY, signed_place=NOVOTEL, recorded_by=staff_user
        ).count()
        == 30
    )
    assert Pact.history.filter(history_change_reason="ditandatangani", history_user=staff_user).count() == 30


# --- scans ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "builder", "extension"),
    [
        ("pakta-bertanda-tangan.pdf", minimal_pdf, "pdf"),
        ("scan.JPG", minimal_jpeg, "jpg"),
        ("foto-pakta.png", minimal_png, "png"),
        ("tanpa-ekstensi", minimal_pdf, "pdf"),  # the content decides, not the name
    ],
    ids=["pdf", "jpeg", "png", "pdf-without-extension"],
)
def test_pact_attach_scan_accepts_real_pdf_jpeg_and_png_files(pact, staff_user, name, builder, extension):
    data = builder()
    stored = pact_attach_scan(pact=pact, upload=upload(name, data), user=staff_user)

    pact.refresh_from_db()
    assert pact.scan.name == stored.scan.name
    path = Path(pact.scan.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "private" / "pact-scans")
    assert path.name.startswith(f"{pact.appointment_id}-") and path.suffix == f".{extension}"
    # A PDF is kept as uploaded; an image as Pillow's re-encoded copy (tests/test_scans.py); the hash is
    # always that of the stored bytes.
    assert (path.read_bytes() == data) is (extension == "pdf")
    assert pact.scan_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert pact.status == PactStatus.NOT_PRINTED  # an upload does not sign the pact by itself


def test_pact_attach_scan_accepts_a_pdf_rendered_by_the_project(pact):
    data = pact_pdf(Document.objects.get(pk=pact.document_id))
    assert data.startswith(b"%PDF-")
    pact_attach_scan(pact=pact, upload=upload("hasil-cetak.pdf", data, "application/pdf"))
    pact.refresh_from_db()
    assert Path(pact.scan.path).read_bytes() == data


def test_pact_attach_scan_accepts_a_file_of_exactly_5_mb(pact):
    data = minimal_pdf() + b"\n%" + b"0" * (MAX_SCAN_BYTES - len(minimal_pdf()) - 2)
    assert len(data) == MAX_SCAN_BYTES
    pact_attach_scan(pact=pact, upload=upload("besar.pdf", data))
    pact.refresh_from_db()
    assert Path(pact.scan.path).stat().st_size == MAX_SCAN_BYTES


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("pakta.pdf", b"Ini bukan PDF, hanya teks yang diganti namanya.\n", WRONG_TYPE),
        ("besar.pdf", minimal_pdf() + b"%" + b"0" * MAX_SCAN_BYTES, TOO_BIG),
        ("pakta.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(56), WRONG_TYPE),
        ("pakta.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56), WRONG_TYPE),
        ("kosong.pdf", b"", WRONG_TYPE),
    ],
    ids=["text-renamed-pdf", "over-5-mb", "elf-executable", "windows-executable", "empty"],
)
def test_pact_attach_scan_refuses_wrong_content_or_size_and_stores_nothing(
    pact, staff_user, name, data, message
):
    before, recorded = private_files(), pact.history.count()
    with pytest.raises(ValidationError) as raised:
        pact_attach_scan(pact=pact, upload=upload(name, data, "application/pdf"), user=staff_user)
    assert raised.value.messages == [message]
    pact.refresh_from_db()
    assert (pact.scan.name, pact.scan_sha256) == ("", "")
    assert private_files() == before
    assert pact.history.count() == recorded


def test_second_scan_upload_keeps_the_first_file_on_disk(pact, staff_user):
    first_data, second_data = minimal_pdf("Pindaian pertama"), minimal_png()
    pact_attach_scan(pact=pact, upload=upload("pertama.pdf", first_data), user=staff_user)
    pact.refresh_from_db()
    first_name, first_path = pact.scan.name, Path(pact.scan.path)

    pact_attach_scan(pact=pact, upload=upload("kedua.png", second_data), user=staff_user)
    pact.refresh_from_db()

    second_path = Path(pact.scan.path)
    assert second_path != first_path and second_path.suffix == ".png"
    assert first_path.read_bytes() == first_data
    assert second_path.read_bytes().startswith(b"\x89PNG")
    assert pact.scan_sha256 == hashlib.sha256(second_path.read_bytes()).hexdigest()
    scans = [h.scan for h in pact.history.order_by("history_id")]
    assert scans[-2:] == [first_name, pact.scan.name] and set(scans[:-2]) == {""}


# --- audit ------------------------------------------------------------------------------------------


def test_each_status_change_and_upload_is_recorded_in_history_with_user_and_reason(
    pact, staff_user, other_user
):
    pacts_mark_printed(pacts=[pact], user=other_user)
    pacts_mark_signed(pacts=[pact], signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=staff_user)
    pact_attach_scan(pact=pact, upload=upload("pakta.pdf", minimal_pdf()), user=staff_user)

    *generated, printed, signed, uploaded = history_reasons(pact)
    assert set(generated) == {(None, None, PactStatus.NOT_PRINTED)}
    assert [printed, signed, uploaded] == [
        ("dicetak", other_user, PactStatus.PRINTED),
        ("ditandatangani", staff_user, PactStatus.SIGNED),
        ("pindaian diunggah", staff_user, PactStatus.SIGNED),
    ]
    signing = pact.history.get(history_change_reason="ditandatangani")
    assert (signing.signed_date, signing.signed_place, signing.scan) == (CEREMONY_DAY, NOVOTEL, "")
    pact.refresh_from_db()
    upload_record = pact.history.get(history_change_reason="pindaian diunggah")
    assert (upload_record.scan, upload_record.scan_sha256) == (pact.scan.name, pact.scan_sha256)


# --- dashboard --------------------------------------------------------------------------------------


def sign(pacts, user=None):
    return pacts_mark_signed(pacts=pacts, signed_date=CEREMONY_DAY, signed_place=NOVOTEL, user=user)


def test_signing_dashboard_counts_overall_per_kecamatan_per_kelurahan_and_lists_who_is_missing():
    manggar = [appoint(f"Anggota Manggar {r.title()}", MANGGAR, r) for r in ("sekretaris", "bendahara")]
    manggar_staf = appoint("Anggota Manggar Staf", MANGGAR, "staf_teknis")
    lamaru = appoint("Anggota Lamaru Sekretaris", LAMARU, "sekretaris")
    baru_ilir = [
        appoint("Anggota Baru Ilir Bendahara", BARU_ILIR, "bendahara"),
        appoint("Anggota Baru Ilir Staf", BARU_ILIR, "staf_teknis"),
    ]
    appoint(
        "Anggota Lama Berhenti", LAMARU, "bendahara", end_date=dt.date(2024, 5, 28), end_reason="evaluasi"
    )
    generate()
    pact_of = {p.appointment_id: p for p in Pact.objects.all()}
    sign([pact_of[a.pk] for a in [*manggar, baru_ilir[0]]])
    pacts_mark_printed(pacts=[pact_of[lamaru.pk]])
    pact_attach_scan(pact=pact_of[manggar[0].pk], upload=upload("a.pdf", minimal_pdf()))
    # Someone appointed after the PDFs were made has no pact yet: counted, and missing.
    late = appoint("Anggota Belum Ada Pakta", KLANDASAN_ILIR, "sekretaris")

    dashboard = signing_dashboard()

    assert (dashboard.overall.signed, dashboard.overall.total, dashboard.overall.percent) == (3, 7, 43)
    assert [(t.name, t.signed, t.total) for t in dashboard.kecamatan] == [
        ("Balikpapan Timur", 2, 4),
        ("Balikpapan Barat", 1, 2),
        ("Balikpapan Kota", 0, 1),
    ]
    assert [(t.name, t.signed, t.total, t.percent) for t in dashboard.kelurahan] == [
        ("Manggar", 2, 3, 67),
        ("Lamaru", 0, 1, 0),
        ("Baru Ilir", 1, 2, 50),
        ("Klandasan Ilir", 0, 1, 0),
    ]
    assert [t.missing for t in dashboard.kelurahan] == [[manggar_staf], [lamaru], [baru_ilir[1]], [late]]
    assert dashboard.overall.missing == [manggar_staf, lamaru, baru_ilir[1], late]
    assert dashboard.printed == 4  # three signed and one printed
    assert dashboard.with_scan == 1


def _dashboard_reading_everything_it_shows():
    dashboard = signing_dashboard()
    shown = [dashboard.overall.signed, dashboard.printed, dashboard.with_scan]
    for tally in [dashboard.overall, *dashboard.kecamatan, *dashboard.kelurahan]:
        shown += [tally.name, tally.signed, tally.total, tally.percent]
        shown += [(a.person.name, a.get_role_display(), a.kelurahan.kecamatan.name) for a in tally.missing]
    return dashboard


def test_signing_dashboard_query_count_does_not_grow_from_3_to_102_members(django_assert_max_num_queries):
    make_pacts(3)  # Manggar's three posts
    sign(list(Pact.objects.all())[:1])
    with django_assert_max_num_queries(3) as small:  # period, one page of kelurahan, appointments
        assert _dashboard_reading_everything_it_shows().overall.total == 3

    others = [row for row in demo_rows() if row[0] != MANGGAR]
    assert members_import(data=write_csv(HEADER, others), dry_run=False).ok
    pacts_generate()
    sign(list(Pact.objects.order_by("pk"))[:40])
    with django_assert_max_num_queries(len(small.captured_queries)):
        dashboard = _dashboard_reading_everything_it_shows()
    assert (dashboard.overall.total, dashboard.overall.signed) == (102, 40)
    assert len(dashboard.kelurahan) == 34 and len(dashboard.kecamatan) == 6
    assert len(dashboard.overall.missing) == 62


# --- attendance sheet -------------------------------------------------------------------------------


def test_attendance_sheet_lists_every_active_member_grouped_by_kelurahan_on_f4_pages(ceremony):
    assert members_import(data=demo_csv(), dry_run=False).ok
    roster = list(Appointment.objects.active().select_related("person", "kelurahan__kecamatan"))
    assert len(roster) == 102
    first = roster[0]
    Person.objects.filter(pk=first.person_id).update(name="Almarhum Anggota Pertama")
    Appointment.objects.filter(pk=first.pk).update(end_date=dt.date(2024, 5, 31), end_reason="meninggal")
    replacement = appoint("Pengganti Antarwaktu Contoh", first.kelurahan_id, first.role)

    data = attendance_sheet_pdf(ceremony)

    sizes = pdf.page_sizes(data)
    assert len(sizes) > 1 and all(pdf.is_size(size, pdf.F4_POINTS) for size in sizes)
    text = pdf.flat(data)
    assert "DAFTAR HADIR" in text
    assert f"{defaults.CEREMONY_NAME} {NOVOTEL}, Sabtu, 1 Juni 2024" in text
    assert f"Halaman 1 dari {len(sizes)}" in text
    assert "No Nama Jabatan Kelurahan Tanda tangan" in text
    for appointment in roster[1:]:
        assert appointment.person.name in text, appointment.person.name
    assert replacement.person.name in text
    assert "Almarhum Anggota Pertama" not in text
    headings = [
        f"Kelurahan {k.name} — Kecamatan {k.kecamatan.name}"
        for k in Kelurahan.objects.select_related("kecamatan").order_by("code")
    ]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions, [h for h, p in zip(headings, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "102" in text and "103" not in text  # numbered 1..102


def test_attendance_sheet_with_chosen_expected_members_lists_only_them(ceremony):
    invited = [
        appoint("Indah Diundang Pertama", LAMARU, "bendahara", gender="P"),
        appoint("Yuni Diundang Kedua", MANGGAR, "staf_teknis", gender="P"),
    ]
    appoint("Budi Tidak Diundang", MANGGAR, "sekretaris")
    appoint("Agus Juga Tidak Diundang", BARU_ILIR, "sekretaris")
    ceremony.expected.set(invited)

    data = attendance_sheet_pdf(ceremony)

    text = pdf.flat(data)
    assert "Yuni Diundang Kedua" in text and "Indah Diundang Pertama" in text
    assert "Tidak Diundang" not in text
    assert "Kelurahan Baru Ilir" not in text
    # Roster order: Manggar (64.71.01.1001) before Lamaru (64.71.01.1002).
    assert text.index("Kelurahan Manggar — Kecamatan Balikpapan Timur") < text.index("Yuni Diundang Kedua")
    assert text.index("Yuni Diundang Kedua") < text.index("Kelurahan Lamaru — Kecamatan Balikpapan Timur")
    assert text.index("Kelurahan Lamaru") < text.index("Indah Diundang Pertama")
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(data))


def test_a_scan_that_only_starts_like_a_pdf_or_a_png_is_refused(pact):
    with pytest.raises(ValidationError, match="PDF, JPEG atau PNG"):
        pact_attach_scan(pact=pact, upload=upload("pakta.pdf", b"%PDF-1.4\n" + b"\x7fELF" + b"\x00" * 2000))
    with pytest.raises(ValidationError, match="rusak atau tidak utuh"):
        pact_attach_scan(pact=pact, upload=upload("pakta.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))
