"""One electronic seal per office (issue #17.4): KPU Kota Samarinda's documents are signed by Samarinda's own
seal, never by the environment's Balikpapan seal; a changed seal signs the next document without a restart;
an office without a seal is refused before anything is queued; a bad PKCS#12 saves nothing; the secrets
stay encrypted and out of the history and the logs; the BSrE path sends the office's own NIK.

Personas: the server's admin (set_office_seal), KPU staff of each office, a superuser on the Office page."""

import datetime as dt
import io
import logging
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from integrity.models import Ceremony, Pact
from integrity.services.documents import attendance_sheet_document
from integrity.services.pacts import pacts_generate
from pps_admin.signing import get_signer
from pps_admin.signing.local_ca import issue_certificates, local_seal_bundle
from pps_admin.signing.pades import check_pdf
from secretariat.models import (
    Decree,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    OfficeSeal,
)
from secretariat.roles import OPERATOR
from secretariat.seal_checks import office_seal_check
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store, job_retry
from secretariat.services.office_seals import (
    office_seal_create_local,
    office_seal_remove,
    office_seal_set_bsre,
    office_seal_set_pkcs12,
    office_signer,
)
from secretariat.services.signing import signing_needs_passphrase

from . import pdf
from .conftest import wait_for_job
from .factories import ceremony_of, install_local_seal, join_office, make_appointment, make_person, office

DECREE_DATE = dt.date(2024, 6, 1)
SAMARINDA, RAWA_MAKMUR, HANDIL_BAKTI = "64.72", "64.72.01.1001", "64.72.01.1002"
SAMARINDA_NAME = "Komisi Pemilihan Umum Kota Samarinda"
SAMARINDA_NIK = "6472015505850003"  # the Samarinda BSrE signer's (fictional) NIK
BALIKPAPAN_NIK = "6471010101800001"
BSRE_PASSPHRASE = "Rahasia-Ketua-Samarinda#2024"
REFUSAL = "KPU Kota Samarinda belum punya segel elektronik"
COMMAND = "set_office_seal 64.72 --create-local"


def quiet(command, *args, **options):
    call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO(), **options)


def samarinda_office(*, seal: bool):
    """KPU Kota Samarinda as `create_office 64.72` makes it, with its Ketua named; its own seal if asked."""
    quiet("load_regions", "64")
    quiet("create_office", SAMARINDA)
    template = DecreeTemplate.active(office(SAMARINDA))
    template.signer_name = "KETUA UJI SAMARINDA"
    template.save()
    ceremony_of(office(SAMARINDA))  # pacts need one (tests/test_pact_ceremony.py)
    if seal:
        install_local_seal(office(SAMARINDA))
    return office(SAMARINDA)


def samarinda_member(name="Siti Rawa Makmur", kelurahan=RAWA_MAKMUR, **extra):
    person = make_person(office_code=SAMARINDA, name=name, gender="P", region="647201")
    return make_appointment(person=person, kelurahan=kelurahan, **extra)


def stored(document: Document) -> Document:
    document = document_render_and_store(document.pk)
    assert document.status == DocumentStatus.DONE, document.error
    return document


def signature(document: Document):
    """The PDF's own last signature, read back with pyHanko (its certificate's CN and O)."""
    check = check_pdf(Path(document.file.path).read_bytes(), trust_roots=[])
    assert check.ok, check.summary
    return check


def printed(document: Document) -> str:
    return " ".join(pdf.poppler_text(document.file.path, layout=False).split())


SEAL_PASSPHRASE = "sandi-segel-uji"  # noqa: S105 - a test seal's


def seal_bundle(organization: str, *, passphrase: str = SEAL_PASSPHRASE, expired: bool = False) -> bytes:
    _, ca_cert, key, cert = issue_certificates(organization=organization)
    if expired:  # the same certificate, valid for a day two years ago
        ca_key = key  # signed by itself: only its dates matter here
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)
        cert = (
            x509.CertificateBuilder()
            .subject_name(cert.subject)
            .issuer_name(cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(past)
            .not_valid_after(past + dt.timedelta(days=1))
            .sign(ca_key, hashes.SHA256())
        )
    return pkcs12.serialize_key_and_certificates(
        name=b"segel",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


# --- each office signs with its own seal -------------------------------------------------------------


@pytest.mark.django_db
def test_each_office_s_petikan_and_pact_are_signed_by_its_own_seal_and_say_so(own_queue):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    make_appointment(person=make_person(name="Rahmat Hidayat"), kelurahan="64.71.01.1001")
    for office_obj, holder in ((samarinda, SAMARINDA_NAME), (office(), "KPU Kota Balikpapan")):
        decree = decree_issue(decree_date=DECREE_DATE, office=office_obj)
        pacts_generate(office=office_obj)
        petikan = stored(decree.documents.get(kind=DocumentKind.PETIKAN))
        pact = stored(Pact.objects.get(appointment__office=office_obj).document)
        for document in (petikan, pact):
            assert signature(document).signer == f"Segel lokal TIDAK TERSERTIFIKASI, {holder}"
            assert document.signed_by == holder and not document.signature_certified
            note = (
                f"Ditandatangani secara elektronik oleh {holder} dengan segel elektronik tidak "
                "tersertifikasi (PP 71/2019)"
            )
            assert note in printed(document)
            if office_obj == samarinda:
                assert "balikpapan" not in printed(document).lower()


@pytest.mark.django_db
def test_a_changed_seal_signs_the_next_document_without_a_restart(own_queue):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    samarinda_member(name="Joko Handil Bakti", kelurahan=HANDIL_BAKTI)
    pacts_generate(office=samarinda)
    first, second = (pact.document for pact in Pact.objects.order_by("pk"))
    assert signature(stored(first)).signer.endswith(SAMARINDA_NAME)  # loaded and kept by this process

    version = OfficeSeal.objects.get(office=samarinda).version
    renewed = office_seal_set_pkcs12(
        office=samarinda, data=seal_bundle("KPU Kota Samarinda (segel 2025)"), passphrase="sandi-segel-uji"
    )
    assert renewed.version == version + 1
    assert signature(stored(second)).signer.endswith("KPU Kota Samarinda (segel 2025)")

    # Removed and made again: a new row (its version starts at 1 again), loaded anew all the same.
    office_seal_remove(office=samarinda)
    office_seal_set_pkcs12(office=samarinda, data=seal_bundle("Segel ketiga"), passphrase="sandi-segel-uji")
    assert OfficeSeal.objects.get(office=samarinda).version == 1
    assert office_signer(samarinda).describe().name == "Segel ketiga"


@pytest.mark.usefixtures("committed_db")
def test_the_worker_signs_with_the_office_s_seal_and_picks_up_a_change_without_a_restart(celery_worker):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    samarinda_member(name="Joko Handil Bakti", kelurahan=HANDIL_BAKTI)
    job = wait_for_job(pacts_generate(office=samarinda))
    assert job.status == "done", job.progress()
    assert {signature(d).signer for d in Document.objects.filter(job=job)} == {
        f"Segel lokal TIDAK TERSERTIFIKASI, {SAMARINDA_NAME}"
    }

    office_seal_set_pkcs12(
        office=samarinda, data=seal_bundle("KPU Kota Samarinda (segel 2025)"), passphrase="sandi-segel-uji"
    )
    samarinda_member(name="Sri Pengganti", kelurahan=RAWA_MAKMUR, role="bendahara")
    samarinda_member(name="Budi Pengganti", kelurahan=HANDIL_BAKTI, role="bendahara")
    later = wait_for_job(pacts_generate(office=samarinda))
    assert later.status == "done", later.progress()
    assert {signature(d).signer for d in Document.objects.filter(job=later)} == {
        "Segel lokal TIDAK TERSERTIFIKASI, KPU Kota Samarinda (segel 2025)"
    }


# --- an office without a seal is refused before anything is queued -------------------------------------


@pytest.mark.django_db
def test_an_office_without_a_seal_is_refused_up_front_and_nothing_is_queued(own_queue):
    samarinda = samarinda_office(seal=False)
    samarinda_member()
    with pytest.raises(ValidationError) as raised:
        decree_issue(decree_date=DECREE_DATE, office=samarinda)
    assert REFUSAL in str(raised.value) and COMMAND in str(raised.value)
    with pytest.raises(ValidationError, match=REFUSAL):
        pacts_generate(office=samarinda)
    ceremony = Ceremony.objects.create(
        office=samarinda, name="Penandatanganan", date=DECREE_DATE, place="Aula KPU", city="Samarinda"
    )
    with pytest.raises(ValidationError, match=REFUSAL):
        attendance_sheet_document(ceremony)
    assert not Decree.objects.exists() and not Pact.objects.exists()
    assert not GenerationJob.objects.exists() and not Document.objects.exists()
    # The environment's seal is Balikpapan's (SEAL_OFFICE defaults to 64.71 with two offices): it issues.
    make_appointment(kelurahan="64.71.01.1001")
    assert decree_issue(decree_date=DECREE_DATE, office=office()) is not None


@pytest.mark.django_db
def test_the_issue_page_and_the_commands_say_which_command_gives_the_office_its_seal(client, own_queue):
    samarinda_office(seal=False)
    samarinda_member()
    operator = join_office(
        get_user_model().objects.create_user("op.smd", password="x", is_staff=True), SAMARINDA
    )
    operator.groups.add(Group.objects.get(name=OPERATOR))
    client.force_login(operator)
    page = client.get(reverse("admin:secretariat_decree_issue")).content.decode()
    assert 'id="seal-missing"' in page and COMMAND in page  # said before anyone presses the button
    response = client.post(reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01"})
    page = response.content.decode()
    assert response.status_code == 200 and REFUSAL in page and COMMAND in page

    response = client.post(reverse("admin:integrity_generate"), {}, follow=True)
    assert REFUSAL in response.content.decode()

    ceremony = Ceremony.objects.create(
        office=office(SAMARINDA), name="Penandatanganan", date=DECREE_DATE, place="Aula", city="Samarinda"
    )
    response = client.get(reverse("admin:integrity_attendance", args=[ceremony.pk]), follow=True)
    assert response.redirect_chain and REFUSAL in response.content.decode()

    with pytest.raises(CommandError, match=COMMAND):
        quiet("generate_sk", "--date", "2024-06-01", "--office", SAMARINDA)
    with pytest.raises(CommandError, match=COMMAND):
        quiet("generate_pacts", "--office", SAMARINDA)
    assert not Decree.objects.exists() and not GenerationJob.objects.exists()


@pytest.mark.django_db
def test_a_retry_is_refused_while_the_office_has_no_seal_and_the_documents_stay_as_they_were(own_queue):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    job = pacts_generate(office=samarinda)
    Document.objects.filter(job=job).update(status=DocumentStatus.FAILED, error="dulu gagal")
    office_seal_remove(office=samarinda)
    with pytest.raises(ValidationError, match=REFUSAL):
        job_retry(job=job)
    assert set(Document.objects.filter(job=job).values_list("status", "error")) == {("failed", "dulu gagal")}


@pytest.mark.django_db
def test_a_seal_removed_after_queueing_fails_the_document_instead_of_storing_it_unsigned(own_queue):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    job = pacts_generate(office=samarinda)
    office_seal_remove(office=samarinda)
    document = job.documents.get()
    with pytest.raises(Exception, match=REFUSAL):
        document_render_and_store(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and REFUSAL in document.error
    assert not document.file and not document.sha256


@pytest.mark.django_db
def test_an_attendance_sheet_made_while_sealed_is_still_handed_out_after_the_seal_is_gone(own_queue):
    samarinda = samarinda_office(seal=True)
    appointment = samarinda_member()
    ceremony = Ceremony.objects.create(
        office=samarinda, name="Penandatanganan", date=DECREE_DATE, place="Aula KPU", city="Samarinda"
    )
    ceremony.expected.set([appointment])
    made = attendance_sheet_document(ceremony)
    assert made.status == DocumentStatus.DONE
    office_seal_remove(office=samarinda)
    assert attendance_sheet_document(ceremony).pk == made.pk  # the record, as it was stored
    ceremony.expected.add(samarinda_member(name="Joko Handil Bakti", kelurahan=HANDIL_BAKTI))
    with pytest.raises(ValidationError, match=REFUSAL):  # a new sheet would need signing: refused
        attendance_sheet_document(ceremony)
    assert Document.objects.filter(kind=DocumentKind.DAFTAR_HADIR).count() == 1


@pytest.mark.django_db
def test_an_office_whose_seal_certificate_expired_is_refused_up_front(own_queue):
    samarinda = samarinda_office(seal=True)
    samarinda_member()
    OfficeSeal.objects.filter(office=samarinda).update(valid_until=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    with pytest.raises(ValidationError) as raised:
        decree_issue(decree_date=DECREE_DATE, office=samarinda)
    message = str(raised.value)
    assert "Sertifikat segel elektronik KPU Kota Samarinda sudah kedaluwarsa pada 2 Januari 2025" in message
    assert "set_office_seal 64.72 --pkcs12" in message
    assert not Decree.objects.exists() and not GenerationJob.objects.exists()
    [warning] = [
        problem
        for problem in office_seal_check(None, databases=["default"])
        if problem.id == "secretariat.W032"
    ]
    assert "64.72" in warning.msg


@pytest.mark.django_db
def test_with_signing_off_an_office_without_a_seal_issues_unsigned_documents(settings, own_queue):
    settings.SIGNER = "none"
    samarinda = samarinda_office(seal=False)
    samarinda_member()
    decree = decree_issue(decree_date=DECREE_DATE, office=samarinda)
    petikan = stored(decree.documents.get(kind=DocumentKind.PETIKAN))
    assert petikan.signed_by == "" and b"/ByteRange" not in Path(petikan.file.path).read_bytes()
    assert "Ditandatangani secara elektronik" not in printed(petikan)
    assert office_seal_check(None, databases=["default"]) == []


@pytest.mark.django_db
def test_seal_office_gives_the_environment_s_seal_to_the_office_it_names(settings, own_queue):
    samarinda = samarinda_office(seal=False)
    assert office_signer(office()) is get_signer() and office_signer(samarinda) is None
    settings.SEAL_OFFICE = SAMARINDA
    assert office_signer(samarinda) is get_signer() and office_signer(office()) is None
    make_appointment(kelurahan="64.71.01.1001")
    with pytest.raises(ValidationError, match="KPU Kota Balikpapan belum punya segel elektronik"):
        decree_issue(decree_date=DECREE_DATE, office=office())


# --- setting a seal: bad input saves nothing ----------------------------------------------------------


@pytest.fixture
def samarinda(db):
    return samarinda_office(seal=False)


def run(*args, stdin: str = "") -> str:
    out = io.StringIO()
    call_command("set_office_seal", *args, stdout=out, stderr=io.StringIO(), stdin=io.StringIO(stdin))
    return out.getvalue()


def test_create_local_makes_a_seal_in_the_office_s_name_once(samarinda):
    output = run(SAMARINDA, "--create-local")
    assert "Segel lokal tidak tersertifikasi KPU Kota Samarinda dibuat" in output
    assert f"Segel lokal (PKCS#12): {SAMARINDA_NAME}; sertifikat berlaku sampai" in output
    seal = OfficeSeal.objects.get(office=samarinda)
    assert (seal.kind, seal.holder_name, seal.version) == ("local", SAMARINDA_NAME, 1)
    assert f"O={SAMARINDA_NAME}" in seal.certificate_subject
    with pytest.raises(CommandError, match="sudah punya segel elektronik; tidak diubah"):
        run(SAMARINDA, "--create-local")
    assert OfficeSeal.objects.get(office=samarinda).version == 1


@pytest.mark.parametrize(
    ("content", "stdin", "message"),
    [
        (b"bukan berkas segel", "sandi-segel-uji", "passphrase salah, atau bukan berkas PKCS#12"),
        (None, "passphrase-keliru", "passphrase salah, atau bukan berkas PKCS#12"),
        (b"", "sandi-segel-uji", "Berkas PKCS#12 kosong"),
        ("certificate-only", "sandi-segel-uji", "tidak memuat kunci privat"),
        ("expired", "sandi-segel-uji", "sudah kedaluwarsa"),
    ],
    ids=["not-pkcs12", "wrong-passphrase", "empty", "no-key", "expired"],
)
def test_a_bad_pkcs12_is_refused_in_indonesian_and_nothing_is_saved(
    samarinda, tmp_path, content, stdin, message
):
    install_local_seal(samarinda)  # what is there stays as it was
    before = OfficeSeal.objects.get(office=samarinda)
    if content is None:
        content = seal_bundle("Segel Samarinda")
    elif content == "certificate-only":
        _, _, _, cert = issue_certificates(organization="Segel Samarinda")
        content = pkcs12.serialize_key_and_certificates(
            name=b"segel",
            key=None,
            cert=cert,
            cas=None,
            encryption_algorithm=serialization.BestAvailableEncryption(b"sandi-segel-uji"),
        )
    elif content == "expired":
        content = seal_bundle("Segel Samarinda", expired=True)
    path = tmp_path / "segel.p12"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as raised:
        run(SAMARINDA, "--pkcs12", str(path), "--passphrase-stdin", stdin=stdin)
    assert "Tidak ada yang disimpan" in str(raised.value) and stdin not in str(raised.value)
    after = OfficeSeal.objects.get(office=samarinda)
    assert (after.version, bytes(after.pkcs12_token)) == (before.version, bytes(before.pkcs12_token))


def test_a_pkcs12_file_is_installed_with_its_passphrase_from_the_environment(
    samarinda, tmp_path, monkeypatch
):
    path = tmp_path / "segel.p12"
    path.write_bytes(seal_bundle(SAMARINDA_NAME))
    with pytest.raises(
        CommandError, match="lewat --passphrase-stdin atau variabel lingkungan SEAL_PASSPHRASE"
    ):
        run(SAMARINDA, "--pkcs12", str(path))
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        run(SAMARINDA, "--pkcs12", str(tmp_path / "tidak-ada.p12"), "--passphrase-stdin", stdin="x")
    assert not OfficeSeal.objects.exists()
    monkeypatch.setenv("SEAL_PASSPHRASE", "sandi-segel-uji")
    assert "dipasang" in run(SAMARINDA, "--pkcs12", str(path))
    assert office_signer(samarinda).describe().name == SAMARINDA_NAME
    with pytest.raises(CommandError, match="Tidak ada kantor KPU Kabupaten/Kota berkode 64.99"):
        run("64.99", "--create-local")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--bsre-name", "Ketua KPU Kota Samarinda", "--bsre-nik-stdin"],
            "12345",
            "NIK penanda tangan BSrE tidak",
        ),
        (
            ["--bsre-name", "Ketua KPU Kota Samarinda", "--bsre-nik-stdin"],
            "",
            "NIK penanda tangan BSrE kosong",
        ),
        (["--bsre-name", "  ", "--bsre-nik-stdin"], SAMARINDA_NIK, "Nama penanda tangan BSrE wajib diisi"),
        (["--bsre-name", "Ketua KPU Kota Samarinda"], "", "lewat --bsre-nik-stdin atau variabel lingkungan"),
    ],
    ids=["short-nik", "empty-nik", "no-name", "no-nik-source"],
)
def test_a_bad_bsre_signer_is_refused_and_nothing_is_saved(samarinda, monkeypatch, args, stdin, message):
    monkeypatch.delenv("OFFICE_BSRE_NIK", raising=False)
    with pytest.raises(CommandError, match=message) as raised:
        run(SAMARINDA, *args, stdin=stdin)
    assert not OfficeSeal.objects.exists()
    if stdin:
        assert stdin.strip() not in str(raised.value)


def test_the_environment_signer_s_nik_is_refused_for_another_office(samarinda, settings, monkeypatch):
    """BSRE_NIK is set in every container for SEAL_OFFICE's Ketua: the command reads OFFICE_BSRE_NIK, and
    the environment's NIK is refused for any other office, so Samarinda never signs with Balikpapan's."""
    settings.BSRE_NIK = BALIKPAPAN_NIK
    monkeypatch.setenv("BSRE_NIK", BALIKPAPAN_NIK)
    monkeypatch.delenv("OFFICE_BSRE_NIK", raising=False)
    with pytest.raises(CommandError, match="OFFICE_BSRE_NIK"):
        run(SAMARINDA, "--bsre-name", "Ketua KPU Kota Samarinda")
    with pytest.raises(CommandError, match="bukan penanda tangan KPU Kota Samarinda") as raised:
        run(SAMARINDA, "--bsre-name", "Ketua KPU Kota Samarinda", "--bsre-nik-stdin", stdin=BALIKPAPAN_NIK)
    assert BALIKPAPAN_NIK not in str(raised.value)
    assert not OfficeSeal.objects.exists()
    monkeypatch.setenv("OFFICE_BSRE_NIK", SAMARINDA_NIK)
    run(SAMARINDA, "--bsre-name", "Ketua KPU Kota Samarinda")
    assert OfficeSeal.objects.get().kind == "bsre"


def test_remove_takes_the_seal_away_and_the_office_is_refused_again(samarinda):
    assert "tidak punya segel sendiri; tidak ada yang diubah" in run(SAMARINDA, "--remove")
    run(SAMARINDA, "--create-local")
    assert "Segel lokal (PKCS#12)" in run(SAMARINDA)  # no option: what the office signs with
    assert "Segel KPU Kota Samarinda dihapus." in run(SAMARINDA, "--remove")
    assert not OfficeSeal.objects.exists()
    assert "Belum ada segel elektronik" in run(SAMARINDA)
    assert "Segel dari pengaturan server (SEAL_OFFICE): KPU Kota Balikpapan" in run("64.71")


# --- the secrets --------------------------------------------------------------------------------------


def test_the_secrets_are_encrypted_at_rest_and_left_out_of_the_history(samarinda, settings):
    data, passphrase, _ = local_seal_bundle(organization=SAMARINDA_NAME)
    office_seal_set_pkcs12(office=samarinda, data=data, passphrase=passphrase)
    office_seal_set_bsre(office=samarinda, signer_name="Ketua KPU Kota Samarinda", nik=SAMARINDA_NIK)
    office_seal_remove(office=samarinda)
    office_seal_set_pkcs12(office=samarinda, data=data, passphrase=passphrase)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pkcs12_token, passphrase_token, nik_token FROM secretariat_officeseal")
        [(p12_token, passphrase_token, _)] = cursor.fetchall()
    assert data not in bytes(p12_token) and passphrase.encode() not in bytes(passphrase_token)

    history = OfficeSeal.history.model
    columns = {field.name for field in history._meta.fields}
    assert not columns & {"pkcs12_token", "passphrase_token", "nik_token"}
    rows = list(history.objects.order_by("history_id").values())
    assert [row["history_type"] for row in rows] == ["+", "~", "-", "+"]
    assert [row["kind"] for row in rows] == ["local", "bsre", "bsre", "local"]
    assert [row["history_change_reason"] for row in rows][:3] == [
        "segel PKCS#12 dipasang",
        "penanda tangan BSrE diatur",
        "segel dihapus",
    ]
    everything = repr(rows)
    assert SAMARINDA_NIK not in everything and passphrase not in everything


def test_the_office_page_shows_the_seal_s_kind_holder_and_validity_and_never_a_secret(
    samarinda, admin_client
):
    url = reverse("admin:secretariat_office_change", args=[samarinda.pk])
    assert "Belum ada segel elektronik" in admin_client.get(url).content.decode()
    office_seal_create_local(office=samarinda)
    page = admin_client.get(url).content.decode()
    assert f"Segel lokal (PKCS#12): {SAMARINDA_NAME}; sertifikat berlaku sampai" in page
    office_seal_set_bsre(office=samarinda, signer_name="Ketua KPU Kota Samarinda", nik=SAMARINDA_NIK)
    page = admin_client.get(url).content.decode()
    assert "BSrE (tersertifikasi): Ketua KPU Kota Samarinda" in page
    assert SAMARINDA_NIK not in page and SAMARINDA_NIK[-4:] + "<" not in page
    history = admin_client.get(reverse("admin:secretariat_office_history", args=[samarinda.pk]))
    assert SAMARINDA_NIK not in history.content.decode()


# --- the system check ---------------------------------------------------------------------------------


def test_the_system_check_warns_of_offices_without_a_seal_and_of_seals_the_key_cannot_open(
    samarinda, settings
):
    assert office_seal_check(None) == []  # a database check: only when `check --database default` asks
    [warning, unset] = office_seal_check(None, databases=["default"])
    assert unset.id == "secretariat.W035" and "SEAL_OFFICE" in unset.hint  # two offices, no SEAL_OFFICE
    settings.SEAL_OFFICE = "64.71"
    [warning] = office_seal_check(None, databases=["default"])
    assert warning.level == checks.WARNING and warning.id == "secretariat.W030"
    assert "64.72" in warning.msg and COMMAND in warning.hint
    settings.PASSPHRASE_KEYS = ["kunci-segel-kantor-uji-yang-panjang-sekali-0123"]
    office_seal_create_local(office=samarinda)
    assert office_seal_check(None, databases=["default"]) == []
    settings.PASSPHRASE_KEYS = ["kunci-lain-tanpa-kunci-lama-yang-panjang-sekali"]
    [error] = office_seal_check(None, databases=["default"])
    assert error.level == checks.WARNING and error.id == "secretariat.W031" and "64.72" in error.msg
    with pytest.raises(Exception, match="tidak dapat dibuka dengan kunci PASSPHRASE_KEY"):
        office_signer(samarinda)


# --- BSrE: the office's own signer ----------------------------------------------------------------------


@pytest.fixture
def standin():
    from .bsre_standin import BsreStandin

    server = BsreStandin(signers={SAMARINDA_NIK: BSRE_PASSPHRASE, BALIKPAPAN_NIK: "lain"}).start()
    yield server
    server.stop()


@pytest.mark.django_db
def test_under_bsre_each_office_sends_its_own_signer_s_nik_and_never_logs_it(
    settings, standin, own_queue, caplog
):
    settings.BSRE_URL, settings.BSRE_USER, settings.BSRE_PASSWORD = (
        standin.url,
        standin.user,
        standin.password,
    )
    samarinda = samarinda_office(seal=False)
    office_seal_set_bsre(office=samarinda, signer_name="Ketua KPU Kota Samarinda", nik=SAMARINDA_NIK)
    samarinda_member()
    make_appointment(kelurahan="64.71.01.1001")
    assert signing_needs_passphrase(samarinda) and not signing_needs_passphrase(office())

    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValidationError, match="passphrase"):
        pacts_generate(office=samarinda)  # the Ketua's certificate: the passphrase is asked first
    job = pacts_generate(office=samarinda, passphrase=BSRE_PASSPHRASE)
    document = stored(job.documents.get())
    assert [(call.nik, call.passphrase) for call in standin.calls] == [(SAMARINDA_NIK, BSRE_PASSPHRASE)]
    assert document.signed_by == "Ketua KPU Kota Samarinda" and document.signature_certified
    assert (
        "Ditandatangani secara elektronik oleh Ketua KPU Kota Samarinda dengan sertifikat elektronik BSrE "
        "(tersertifikasi)" in printed(document)
    )
    # Balikpapan keeps the environment's local seal, and asks nobody.
    pacts_generate(office=office())
    balikpapan = stored(Pact.objects.get(appointment__office=office()).document)
    assert balikpapan.signed_by == "KPU Kota Balikpapan" and len(standin.calls) == 1

    # A NIK BSrE does not know is refused in the office's words, without the NIK.
    office_seal_set_bsre(office=samarinda, signer_name="Ketua KPU Kota Samarinda", nik="6472015505850004")
    samarinda_member(name="Joko Handil Bakti", kelurahan=HANDIL_BAKTI)
    job = pacts_generate(office=samarinda, passphrase=BSRE_PASSPHRASE)
    with pytest.raises(Exception, match=r"NIK penanda tangan \(segel KPU Kota Samarinda\) tidak terdaftar"):
        document_render_and_store(job.documents.get().pk)
    failed = job.documents.get()
    assert failed.status == DocumentStatus.FAILED and "6472015505850004" not in failed.error
    assert SAMARINDA_NIK not in caplog.text and "6472015505850004" not in caplog.text
    assert BSRE_PASSPHRASE not in caplog.text


@pytest.fixture
def bsre_office_worker(django_db_setup, media_root, tmp_path_factory, celery_queue, standin, settings):
    """A worker of its own (its log at DEBUG) that reaches the BSrE stand-in; the environment's seal stays
    the local one (Balikpapan's): only an office's own BSrE signer goes to BSrE."""
    import uuid

    from pps_admin.celery import app

    from .conftest import start_worker, stop_worker

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (make test sets it)")
    settings.BSRE_URL, settings.BSRE_USER, settings.BSRE_PASSWORD = (
        standin.url,
        standin.user,
        standin.password,
    )
    queue = f"{celery_queue}-seals-{uuid.uuid4().hex[:6]}"
    log = tmp_path_factory.mktemp("seal-worker") / "worker.log"
    env = {"BSRE_URL": standin.url, "BSRE_USER": standin.user, "BSRE_PASSWORD": standin.password}
    process = start_worker(queue, media_root, log, LOG_LEVEL="DEBUG", **env)
    app.conf.task_default_queue = queue
    yield log
    app.conf.task_default_queue = celery_queue
    stop_worker(process)


@pytest.mark.usefixtures("committed_db")
def test_the_worker_signs_an_office_s_pacts_with_its_bsre_signer_and_logs_no_nik(
    standin, bsre_office_worker, caplog
):
    caplog.set_level(logging.DEBUG)
    samarinda = samarinda_office(seal=False)
    office_seal_set_bsre(office=samarinda, signer_name="Ketua KPU Kota Samarinda", nik=SAMARINDA_NIK)
    samarinda_member()
    samarinda_member(name="Joko Handil Bakti", kelurahan=HANDIL_BAKTI)
    job = wait_for_job(pacts_generate(office=samarinda, passphrase=BSRE_PASSPHRASE), timeout=120)
    assert job.status == "done", job.progress()
    documents = list(Document.objects.filter(job=job))
    assert all(d.signature_certified and d.signed_by == "Ketua KPU Kota Samarinda" for d in documents)
    calls = [call for call in standin.calls if call.path == "/api/v2/sign/pdf"]
    assert [(call.nik, call.passphrase) for call in calls] == [(SAMARINDA_NIK, BSRE_PASSPHRASE)] * 2
    worker_log = bsre_office_worker.read_text()
    assert "render_document" in worker_log  # the log is there, at DEBUG
    for secret in (SAMARINDA_NIK, BSRE_PASSPHRASE):
        assert secret not in worker_log and secret not in caplog.text


def test_only_the_certificate_s_organisation_and_name_are_kept_in_plain_text():
    from cryptography.hazmat.primitives.asymmetric import ec

    from secretariat.services.office_seals import _subject_names

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(x509.NameOID.COMMON_NAME, "Ketua KPU Kota Samarinda"),
            x509.NameAttribute(x509.NameOID.SERIAL_NUMBER, SAMARINDA_NIK),
            x509.NameAttribute(x509.NameOID.EMAIL_ADDRESS, "ketua@kpu.test"),
            x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, SAMARINDA_NAME),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    kept = _subject_names(cert)
    assert "Ketua KPU Kota Samarinda" in kept and SAMARINDA_NAME in kept
    assert SAMARINDA_NIK not in kept and "ketua@kpu.test" not in kept


def test_moving_to_passphrase_key_keeps_the_seals_when_the_old_key_comes_second(samarinda, settings):
    """W034's way out: PASSPHRASE_KEY=<new>,<the SECRET_KEY text>, `rekey_office_seals`, then the old key
    can go and the seal still opens. With the old key missing nothing is written."""
    office_seal_create_local(office=samarinda)  # under the key derived from SECRET_KEY
    before = OfficeSeal.objects.get().pkcs12_token
    settings.PASSPHRASE_KEYS = ["kunci-baru-yang-panjang-sekali-untuk-segel-0123"]
    with pytest.raises(CommandError, match=r"tidak dapat dibuka.*64\.72.*tidak ada yang diubah"):
        call_command("rekey_office_seals", stdout=io.StringIO())
    assert bytes(OfficeSeal.objects.get().pkcs12_token) == bytes(before)
    settings.PASSPHRASE_KEYS = ["kunci-baru-yang-panjang-sekali-untuk-segel-0123", settings.SECRET_KEY]
    out = io.StringIO()
    call_command("rekey_office_seals", stdout=out)
    assert "Segel 1 kantor dienkripsi ulang" in out.getvalue()
    settings.PASSPHRASE_KEYS = ["kunci-baru-yang-panjang-sekali-untuk-segel-0123"]
    warnings = office_seal_check(None, databases=["default"])
    assert "secretariat.W031" not in {warning.id for warning in warnings}
    assert office_signer(samarinda).describe().name == SAMARINDA_NAME


@pytest.mark.django_db
def test_a_document_s_note_and_signature_name_the_seal_it_started_with(own_queue):
    """The render asks for the signer (the printed note), then the seal step (the signature): a seal
    changed in between must not give a note naming one seal on a file signed by another."""
    from secretariat.services.signing import document_signer

    samarinda = samarinda_office(seal=True)
    samarinda_member()
    document = pacts_generate(office=samarinda).documents.get()
    first = document_signer(document)
    office_seal_remove(office=samarinda)
    office_seal_set_pkcs12(office=samarinda, data=seal_bundle("Segel pengganti"), passphrase=SEAL_PASSPHRASE)
    assert document_signer(document) is first
    assert document_signer(Document.objects.get(pk=document.pk)).describe().name == "Segel pengganti"
