"""Offices see only their own (issue #17, point 6): two KPU offices on one deployment, KPU Kota Balikpapan
(64.71) and KPU Kota Samarinda (64.72), each with members, a decree with its documents, pacts, a
ceremony, key dates and jobs. As each office's operator and viewer, every staff URL of the admin is
opened (the URL patterns are read from the admin, so a new page is covered without being listed here):
plain and searched changelists, change/history/delete pages, custom pages, autocomplete, exports,
downloads and job pages. No response holds a name, NIK, code or place of the other office, and every
URL naming an object of the other office is a 404, as for an object that does not exist."""

import datetime as dt
import io
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from integrity.models import Ceremony, Pact, PactText
from integrity.services.pacts import pact_attach_scan, pacts_generate
from kelurahan.models import Kecamatan, Kelurahan, Regency
from pps_admin.admin_scope import ScopedAdminMixin
from secretariat.check_code import grouped
from secretariat.identity import mask_nik
from secretariat.models import (
    DecreeNumberSequence,
    DecreeTemplate,
    Document,
    DocumentKind,
    ElectionPeriod,
    KeyDate,
    Office,
    OfficeKind,
    PetikanReceipt,
)
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.staff_accounts import staff_account_set

from . import pdf
from .factories import install_local_seal, make_appointment, make_person, office
from .test_decrees import small_png

pytestmark = pytest.mark.django_db

OUR_APPS = ("kelurahan", "secretariat", "integrity")
BALIKPAPAN, SAMARINDA, PROVINCE = "64.71", "64.72", "64"
SK_DATE = dt.date(2024, 6, 1)
PASSWORD = "Sandi-Staf-Uji-2024!"


def samarinda_office() -> Office:
    """KPU Kota Samarinda, as `create_office 64.72` would make it (that command is written elsewhere), with
    a decree template and a pact text of its own (copies of Balikpapan's: the wording is not tested here)."""
    call_command("load_regions", PROVINCE, stdout=io.StringIO())
    samarinda = Office.objects.create(
        code=SAMARINDA,
        kind=OfficeKind.REGENCY,
        name="Komisi Pemilihan Umum Kota Samarinda",
        short_name="KPU Kota Samarinda",
        province_id=PROVINCE,
        regency=Regency.objects.get(code=SAMARINDA),
        parent=office(PROVINCE),
        city="Samarinda",
    )
    for model, source in (
        (DecreeTemplate, DecreeTemplate.active(office(BALIKPAPAN))),
        (PactText, PactText.current(office(BALIKPAPAN))),
    ):
        source.pk = None
        source._state.adding = True
        source.office = samarinda
        source.save()
        assert model.objects.filter(office=samarinda).count() == 1
    install_local_seal(samarinda)  # its documents are signed with its own seal
    return samarinda


@dataclass
class Side:
    """One office's rows, and the strings that must never reach the other office's staff."""

    office: Office
    objects: dict = field(default_factory=dict)  # model -> one of this office's rows
    secrets: set = field(default_factory=set)
    search_terms: list = field(default_factory=list)
    pact_job: object = None
    petikan: Document | None = None
    receipt: object = None


# name, gender, role; the kelurahan is the office's first (Balikpapan's: Manggar... see _first_kelurahan)
MEMBERS = {
    BALIKPAPAN: [("Rusdianto Bukitpapan", "L", "sekretaris"), ("Marlina Klandasari", "P", "bendahara")],
    SAMARINDA: [("Sumarni Mahakamwati", "P", "sekretaris"), ("Hendrik Tepiansari", "L", "bendahara")],
}
# Registered without a post: the replacement search ("Ganti") lists exactly such people.
UNAPPOINTED = {BALIKPAPAN: "Fitriani Belumjabat", SAMARINDA: "Yusran Tanpapos"}
CEREMONY = {
    BALIKPAPAN: ("Penandatanganan Pakta Teluk Balikpapan Uji", "Aula Kilang Uji"),
    SAMARINDA: ("Penandatanganan Pakta Tepian Mahakam Uji", "Aula Tepian Uji"),
}
KEY_DATE = {BALIKPAPAN: "Rapat Koordinasi Kilang Uji", SAMARINDA: "Rapat Koordinasi Tepian Uji"}


def _build_side(office_obj: Office) -> Side:
    code = office_obj.code
    side = Side(office_obj)
    region = code.replace(".", "") + "01"
    kelurahan = Kelurahan.objects.filter(kecamatan__regency_id=code).order_by("code").first()
    appointments = [
        make_appointment(
            person=make_person(office_code=code, name=name, gender=gender, region=region),
            kelurahan=kelurahan.code,
            role=role,
        )
        for name, gender, role in MEMBERS[code]
    ]
    loose = make_person(office_code=code, name=UNAPPOINTED[code], region=region)
    name, place = CEREMONY[code]
    ceremony = Ceremony.objects.create(
        office=office_obj, name=name, date=dt.date(2024, 6, 2), place=place, city=office_obj.city
    )
    KeyDate.objects.create(
        office=office_obj, period=ElectionPeriod.current(), title=KEY_DATE[code], start=dt.date(2024, 6, 3)
    )
    decree = decree_issue(decree_date=SK_DATE, office=office_obj)
    pact_job = pacts_generate(office=office_obj)
    for document in Document.objects.filter(job__in=[*decree.jobs.all(), pact_job]):
        document_render_and_store(document.pk)
    pact = Pact.objects.get(appointment=appointments[0])
    pact_attach_scan(pact=pact, upload=SimpleUploadedFile("pindaian.png", small_png(), "image/png"))

    side.pact_job = pact_job
    side.petikan = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    # Its signed receipt, as the receipt intake keeps it (secretariat/services/petikan_receipts.py).
    receipt = PetikanReceipt(
        document=side.petikan, scan_sha256="0" * 64, received_date=SK_DATE + dt.timedelta(days=3)
    )
    receipt.scan.save(f"isolasi-{code}.png", SimpleUploadedFile("tanda-terima.png", small_png()), save=False)
    receipt.save()
    side.receipt = receipt
    kecamatan = kelurahan.kecamatan
    side.objects = {
        "person": appointments[0].person,
        "appointment": appointments[0],
        "decree": decree,
        "decreetemplate": DecreeTemplate.active(office_obj),
        "decreenumbersequence": DecreeNumberSequence.objects.get(office=office_obj, year=SK_DATE.year),
        "pacttext": PactText.current(office_obj),
        "ceremony": ceremony,
        "pact": pact,
        "kelurahan": kelurahan,
        "kecamatan": kecamatan,
        "regency": office_obj.regency,
        "office": office_obj,
        "keydate": KeyDate.objects.filter(office=office_obj).first(),
    }
    people = [a.person for a in appointments] + [loose]
    documents = Document.objects.filter(job__office=office_obj)
    side.secrets |= {p.name for p in people} | {p.nik for p in people} | {mask_nik(p.nik) for p in people}
    side.secrets |= {name, place, KEY_DATE[code], kelurahan.name, kecamatan.name}
    side.secrets |= {str(d.public_id) for d in documents} | {grouped(d.check_code) for d in documents}
    side.search_terms = [people[0].name, people[0].nik, UNAPPOINTED[code].split()[0], kelurahan.name]
    return side


@pytest.fixture
def world(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # documents are rendered here, one by one
    sides = {BALIKPAPAN: _build_side(office(BALIKPAPAN)), SAMARINDA: _build_side(samarinda_office())}
    _drop_shared_secrets(sides)
    return sides


def _drop_shared_secrets(sides) -> None:
    """A region name of one office that also occurs in the other's own region names (both provinces' pages
    may show it rightly) is no evidence of a leak."""
    for code, side in sides.items():
        other = sides[BALIKPAPAN if code == SAMARINDA else SAMARINDA]
        names = " ".join(
            Kelurahan.objects.filter(kecamatan__regency_id=other.office.code).values_list("name", flat=True)
        ) + " ".join(Kecamatan.objects.filter(regency_id=other.office.code).values_list("name", flat=True))
        side.secrets = {s for s in side.secrets if s.casefold() not in names.casefold()}
        assert side.secrets, code


def _staff(username: str, code: str, role: str):
    return staff_account_set(username=username, office=office(code), role=role, password=PASSWORD).user


# --- reading responses ------------------------------------------------------------------------------


def body_text(response) -> str:
    """What a person would read in the response: the page, the PDF's text, the spreadsheet's cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return pdf.text(content)
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8", "replace")


def leaked(response, secrets, *, typed: str = "") -> list[str]:
    """The `secrets` found in the response; what the user typed (`typed`, a search) is echoed rightly."""
    text = body_text(response).casefold()
    return sorted(s for s in secrets if s.casefold() in text and s.casefold() not in typed.casefold())


# --- the URLs of the admin --------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminUrl:
    name: str  # the URL's name in the admin namespace
    model_name: str
    params: tuple[str, ...]
    positional: bool = False  # a regular expression's unnamed groups (simple-history's version page)


def _params(pattern) -> tuple[tuple[str, ...], bool]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters), False
    regex = pattern.pattern.regex
    if regex.groupindex:
        return tuple(regex.groupindex), False
    if regex.groups == 2 and pattern.name.endswith("_simple_history"):
        return ("object_id", "version_id"), True
    assert regex.groups == 0, f"{pattern.name}: teach this test what its URL's groups are"
    return (), False


def admin_urls() -> list[AdminUrl]:
    """Every named URL of every admin of our apps (its model's, plus the custom pages of get_urls)."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        for pattern in model_admin.get_urls():
            if pattern.name:
                urls.append(AdminUrl(pattern.name, model._meta.model_name, *_params(pattern)))
    return urls


SHARED_MODELS = {
    "electionperiod": lambda: ElectionPeriod.current(),
    "province": lambda: office(PROVINCE).province,
}


def _value(side: Side, url: AdminUrl, param: str):
    if url.name == "secretariat_receipt_scan":
        return side.receipt.pk
    if param in ("object_id", "pk"):
        return side.objects[url.model_name].pk
    if param == "job_id":
        return side.pact_job.pk
    if param == "public_id":
        return side.petikan.public_id
    if param == "version_id":
        obj = side.objects[url.model_name]
        record = type(obj).history.filter(id=obj.pk).order_by("-history_date").first()
        return record.history_id if record else None  # made by a migration: no version page
    raise AssertionError(f"{url.name}: no value for <{param}>; teach this test what it names")


def urls_of(side: Side, url: AdminUrl) -> list[str]:
    """The addresses of `url` naming `side`'s objects (a page without parameters: itself)."""
    if not url.params:
        return [reverse(f"admin:{url.name}")]
    if "token" in url.params:
        # A scan preview's token lives in its uploader's session: anybody else's request finds it
        # expired (tests/test_scan_intake.py, tests/test_petikan_receipts.py), so there is nothing to name.
        return []
    if url.params == ("fmt",):
        return [reverse(f"admin:{url.name}", kwargs={"fmt": fmt}) for fmt in ("csv", "xlsx")]
    if url.model_name in SHARED_MODELS:
        shared = SHARED_MODELS[url.model_name]()
        kwargs = {p: shared.pk for p in url.params if p in ("object_id", "pk")}
        if len(kwargs) != len(url.params):
            return []
        return [reverse(f"admin:{url.name}", kwargs=kwargs)]
    values = {p: _value(side, url, p) for p in url.params}
    if None in values.values():
        return []
    if url.positional:
        return [reverse(f"admin:{url.name}", args=list(values.values()))]
    return [reverse(f"admin:{url.name}", kwargs=values)]


def names_an_object(url: AdminUrl) -> bool:
    return bool(url.params) and url.params != ("fmt",) and url.model_name not in SHARED_MODELS


def _get_or_post(client, address):
    response = client.get(address)
    if response.status_code == 405:  # POST-only (retry, confirm): its object is looked up all the same
        response = client.post(address, {})
    return response


def autocomplete_addresses(term: str) -> list[str]:
    addresses = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field_name in model_admin.get_autocomplete_fields(None):
            addresses.append(
                f"/admin/autocomplete/?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                f"&field_name={field_name}&term={term}"
            )
    addresses.append(reverse("admin:secretariat_appointment_replacement_search") + f"?term={term}")
    return addresses


# --- the matrix -------------------------------------------------------------------------------------


PERSONAS = [(BALIKPAPAN, "operator"), (BALIKPAPAN, "viewer"), (SAMARINDA, "operator"), (SAMARINDA, "viewer")]


@pytest.mark.parametrize("code,role", PERSONAS, ids=[f"{c}-{r}" for c, r in PERSONAS])
def test_staff_of_an_office_see_nothing_of_the_other_office_on_any_admin_url(client, world, code, role):
    own, other = world[code], world[SAMARINDA if code == BALIKPAPAN else BALIKPAPAN]
    client.force_login(_staff(f"{role}-{code}", code, role))
    leaks, not_hidden, broken = [], [], []
    pages = ["/admin/", *(f"/admin/{app}/" for app in OUR_APPS)]

    for url in admin_urls():
        own_statuses = set()
        for address in urls_of(own, url):
            response = _get_or_post(client, address)
            own_statuses.add(response.status_code)
            if response.status_code >= 500:
                broken.append((address, response.status_code))
            if names_an_object(url) and response.status_code == 404 and not _may_be_missing(url, own):
                broken.append((address, "404 for the own office's object"))
            leaks += [(address, secret) for secret in leaked(response, other.secrets)]
            if url.name.endswith("_changelist"):
                pages += [f"{address}?q={term}" for term in other.search_terms]
        if names_an_object(url):
            for address in urls_of(other, url):
                response = _get_or_post(client, address)
                # A page the role may not use refuses every object alike (403), its own office's as well:
                # that says nothing about the other office's.
                refused_alike = response.status_code == 403 and own_statuses == {403}
                if response.status_code != 404 and not refused_alike:
                    not_hidden.append((address, response.status_code))
                leaks += [(address, secret) for secret in leaked(response, other.secrets)]

    pages += [address for term in other.search_terms for address in autocomplete_addresses(term)]
    pages += autocomplete_addresses("")
    for address in pages:
        response = client.get(address)
        if response.status_code >= 500:
            broken.append((address, response.status_code))
        typed = address.partition("q=")[2] or address.partition("term=")[2]
        leaks += [(address, secret) for secret in leaked(response, other.secrets, typed=typed)]

    assert not broken, "\n".join(map(str, broken))
    assert not leaks, "\n".join(map(str, leaks))
    assert not not_hidden, "\n".join(map(str, not_hidden))


def _may_be_missing(url: AdminUrl, side: Side) -> bool:
    """Own-object URLs that are rightly a 404: a POST-only retry of a job with nothing to retry is not one
    of them (it redirects); none is expected today."""
    return False


def test_the_matrix_reaches_the_pages_it_claims_to(client, world):
    """The matrix would pass vacuously if its own office's pages were empty or refused: as an operator,
    the own office's members are listed, found by search and autocomplete, and exported."""
    own = world[SAMARINDA]
    client.force_login(_staff("operator-cek", SAMARINDA, "operator"))
    person = own.objects["person"]
    expectations = {
        reverse("admin:secretariat_person_changelist"): person.name,
        reverse("admin:secretariat_person_changelist") + f"?q={person.nik}": person.name,
        reverse("admin:secretariat_appointment_changelist") + f"?q={person.name.split()[0]}": person.name,
        reverse("admin:integrity_pact_changelist"): person.name,
        reverse("admin:secretariat_completeness"): person.name,
        reverse("admin:integrity_dashboard"): own.objects["kelurahan"].name,
        reverse("admin:secretariat_export", kwargs={"fmt": "xlsx"}): person.nik,
        reverse("admin:secretariat_export", kwargs={"fmt": "csv"}): person.nik,
        reverse(
            "admin:secretariat_document_download", args=[own.petikan.public_id]
        ): own.petikan.appointment.person.name,
        reverse("admin:integrity_pact_pdf", args=[own.objects["pact"].pk]): person.name,
        "/admin/autocomplete/?app_label=secretariat&model_name=appointment&field_name=person"
        f"&term={person.name.split()[0]}": person.name,
        reverse("admin:secretariat_appointment_replacement_search") + "?term=Yusran": UNAPPOINTED[SAMARINDA],
    }
    for address, expected in expectations.items():
        response = client.get(address)
        assert response.status_code == 200, address
        assert expected.casefold() in body_text(response).casefold(), address
    assert len(admin_urls()) > 60  # the admin's own and custom pages, not an empty list


def test_a_provincial_viewer_reads_both_offices_and_changes_nothing(client, world):
    client.force_login(_staff("pengamat-kaltim", PROVINCE, "viewer"))
    for side in world.values():
        person, appointment = side.objects["person"], side.objects["appointment"]
        page = client.get(reverse("admin:secretariat_person_change", args=[person.pk]))
        assert page.status_code == 200
        assert person.name in page.content.decode()
        assert mask_nik(person.nik) in page.content.decode()
        assert person.nik not in page.content.decode()  # a viewer does not need the whole NIK
        refused = client.post(
            reverse("admin:secretariat_person_change", args=[person.pk]), {"name": "Diubah Provinsi"}
        )
        assert refused.status_code == 403
        assert (
            client.post(reverse("admin:secretariat_appointment_end", args=[appointment.pk])).status_code
            == 403
        )
        decree = side.objects["decree"]
        assert client.post(reverse("admin:secretariat_decree_revoke", args=[decree.pk])).status_code == 403
    listing = body_text(client.get(reverse("admin:secretariat_person_changelist")))
    assert all(side.objects["person"].name in listing for side in world.values())
    person = world[SAMARINDA].objects["person"]
    person.refresh_from_db()
    assert person.name == MEMBERS[SAMARINDA][0][0]


def test_staff_of_no_office_see_no_rows(client, world):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from secretariat import roles

    user = get_user_model().objects.create_user("tanpa-kantor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.OPERATOR))
    client.force_login(user)
    for side in world.values():
        for address in (
            reverse("admin:secretariat_person_changelist"),
            reverse("admin:secretariat_export", kwargs={"fmt": "csv"}),
            reverse("admin:secretariat_completeness"),
        ):
            assert not leaked(client.get(address), side.secrets), address
        assert (
            client.get(
                reverse("admin:secretariat_person_change", args=[side.objects["person"].pk])
            ).status_code
            == 404
        )


def test_every_admin_and_inline_of_our_apps_applies_the_scope():
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        if not isinstance(model_admin, ScopedAdminMixin):
            unscoped.append(type(model_admin).__name__)
        for inline in model_admin.inlines:
            assert issubclass(inline, InlineModelAdmin)
            if not issubclass(inline, ScopedAdminMixin):
                unscoped.append(inline.__name__)
    assert not unscoped, unscoped


def test_region_filter_choices_are_the_users_own_regions(rf):
    """With the whole province loaded (105 kecamatan: more than a list of links), a Balikpapan operator's
    kecamatan filter still lists Balikpapan's six as links, and no other office's."""
    samarinda_office()
    from kelurahan.models import Province
    from secretariat.models import Appointment

    Province.objects.create(code="63", name="Kalimantan Selatan")  # a province without our office

    model_admin = admin.site.get_model_admin(Appointment)
    kecamatan_filter = next(
        f for f in model_admin.list_filter if getattr(f, "parameter_name", "") == "kecamatan"
    )
    request = rf.get("/admin/secretariat/appointment/")
    request.user = _staff("operator-filter", BALIKPAPAN, "operator")
    choices = kecamatan_filter(request, {}, Appointment, model_admin).lookup_choices
    assert len(choices) == Kecamatan.objects.filter(regency_id=BALIKPAPAN).count() == 6
    assert all(code.startswith("64.71.") for code, _ in choices)
    assert Kecamatan.objects.filter(code__startswith="64.").count() > 100

    regency_admin = admin.site.get_model_admin(Regency)
    province_filter = regency_admin.get_list_filter(request)[0]
    assert province_filter[0] == "province"
    shown = [
        choice["display"]
        for choice in province_filter[1](
            Regency._meta.get_field("province"), request, {}, Regency, regency_admin, "province"
        ).choices(regency_admin.get_changelist_instance(request))
    ]
    assert "Kalimantan Timur" in " ".join(map(str, shown))
    assert "Kalimantan Selatan" not in " ".join(map(str, shown))
    assert len(shown) == 2  # "Semua" and the one province
