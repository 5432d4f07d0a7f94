"""Offices named right (issue #17): Aceh's offices are the Komisi Independen Pemilihan (KIP) and cite
UU 11/2006, its gampong are headed by a Keuchik; Jakarta's KPU offices drop the region's "Administrasi"
(secretariat/office_names.py)."""

import io

import pytest
from django.core.management import call_command

from integrity.models import PactText
from kelurahan.models import Kelurahan
from secretariat import decree_defaults
from secretariat.models import DecreeTemplate, Office
from secretariat.office_names import letterhead_lines, province_office_name, regency_office_name

from . import pdf

pytestmark = pytest.mark.django_db

UUPA = "Undang-Undang Nomor 11 Tahun 2006 tentang Pemerintahan Aceh"
LONG_NUMBER = "141/07/KPTS/KB/2024"


def quiet(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "code, name, full, short",
    [
        ("11.71", "Banda Aceh", "Komisi Independen Pemilihan Kota Banda Aceh", "KIP Kota Banda Aceh"),
        (
            "11.08",
            "Aceh Utara",
            "Komisi Independen Pemilihan Kabupaten Aceh Utara",
            "KIP Kabupaten Aceh Utara",
        ),
        (
            "31.71",
            "Administrasi Jakarta Pusat",
            "Komisi Pemilihan Umum Kota Jakarta Pusat",
            "KPU Kota Jakarta Pusat",
        ),
        (
            "31.01",
            "Administrasi Kepulauan Seribu",
            "Komisi Pemilihan Umum Kabupaten Kepulauan Seribu",
            "KPU Kabupaten Kepulauan Seribu",
        ),
        ("64.72", "Samarinda", "Komisi Pemilihan Umum Kota Samarinda", "KPU Kota Samarinda"),
    ],
)
def test_regency_office_names(code, name, full, short):
    names = regency_office_name(code=code, name=name)
    assert (names.name, names.short_name) == (full, short)


def test_province_office_names_and_letterheads():
    aceh = province_office_name(code="11", name="Aceh")
    assert (aceh.name, aceh.short_name) == ("Komisi Independen Pemilihan Aceh", "KIP Aceh")
    kaltim = province_office_name(code="64", name="Kalimantan Timur")
    assert kaltim.short_name == "KPU Provinsi Kalimantan Timur"
    assert letterhead_lines("Komisi Independen Pemilihan Kota Banda Aceh") == [
        "KOMISI INDEPENDEN PEMILIHAN",
        "KOTA BANDA ACEH",
    ]
    assert letterhead_lines(aceh.name) == ["KOMISI INDEPENDEN PEMILIHAN", "ACEH"]
    assert letterhead_lines("Komisi Pemilihan Umum Kota Samarinda") == [
        "KOMISI PEMILIHAN UMUM",
        "KOTA SAMARINDA",
    ]


def test_create_office_in_aceh_makes_kip_kota_banda_aceh_under_kip_aceh_with_aceh_s_law_and_keuchik():
    quiet("load_regions", "11")
    quiet("create_office", "11.71")

    banda_aceh = Office.objects.get(code="11.71")
    assert (banda_aceh.name, banda_aceh.short_name, banda_aceh.city) == (
        "Komisi Independen Pemilihan Kota Banda Aceh",
        "KIP Kota Banda Aceh",
        "Banda Aceh",
    )
    assert (banda_aceh.parent.name, banda_aceh.parent.short_name) == (
        "Komisi Independen Pemilihan Aceh",
        "KIP Aceh",
    )

    template = DecreeTemplate.active(banda_aceh)
    assert template.issuer == "KOMISI INDEPENDEN PEMILIHAN KOTA BANDA ACEH"
    assert template.signer_title == "KETUA KOMISI INDEPENDEN PEMILIHAN KOTA BANDA ACEH"
    assert template.authenticator_title == "SEKRETARIS KOMISI INDEPENDEN PEMILIHAN KOTA BANDA ACEH"
    assert template.letterhead_name == "KOMISI INDEPENDEN PEMILIHAN\nKOTA BANDA ACEH"
    assert template.office_short_name == "KIP Kota Banda Aceh"
    assert "GUBERNUR DAN WAKIL GUBERNUR ACEH SERTA WALI KOTA DAN WAKIL WALI KOTA BANDA ACEH" in template.title
    assert (
        "Keputusan Komisi Independen Pemilihan Kota Banda Aceh tentang Penetapan" in template.considerations
    )
    # Banda Aceh's villages are gampong (desa codes): their Keuchik issued the basis decrees.
    assert "bahwa Keuchik se-Kota Banda Aceh telah memilih" in template.considerations
    assert "dengan Keputusan Keuchik atas usul" in template.considerations
    assert "Kepala Desa" not in template.considerations + template.observations
    assert (
        "Berita Acara Rapat Pleno Komisi Independen Pemilihan Kota Banda Aceh Nomor" in template.observations
    )
    basis = template.legal_basis.splitlines()
    assert basis[0] == decree_defaults.LAW_OF_ACEH and basis[0].startswith(UUPA)
    assert "Tahun 2006 Nomor 62, Tambahan Lembaran Negara Republik Indonesia Nomor 4633" in basis[0]
    assert basis[1:] == decree_defaults.LEGAL_BASIS
    assert "Komisi Pemilihan Umum Kota" not in "\n".join(
        [template.issuer, template.title, template.considerations, template.observations, template.dictums]
    )

    pledges = PactText.current(banda_aceh).pledges
    assert "ditetapkan oleh KPU, KIP Aceh, dan KIP Kabupaten/Kota" in pledges
    assert "KPU Provinsi" not in pledges

    gampong = Kelurahan.objects.filter(kecamatan__regency_id="11.71", code__regex=r"\.2\d{3}$").first()
    assert gampong.head_title() == "Keuchik"


def test_outside_aceh_the_texts_cite_no_aceh_law_and_say_kepala_desa():
    quiet("load_regions", "64")
    quiet("create_office", "64.02")
    kukar = Office.objects.get(code="64.02")
    template = DecreeTemplate.active(kukar)
    assert UUPA not in template.legal_basis
    assert template.legal_basis == "\n".join(decree_defaults.LEGAL_BASIS)
    assert "Kepala Desa" in template.considerations and "Keuchik" not in template.considerations
    assert "KPU, KPU Provinsi, dan KPU Kabupaten/Kota" in PactText.current(kukar).pledges
    desa = Kelurahan.objects.filter(kecamatan__regency_id="64.02", code__regex=r"\.2\d{3}$").first()
    assert desa.head_title() == "Kepala Desa"


def test_jakarta_s_office_drops_administrasi_while_the_legal_text_keeps_the_region_s_name():
    quiet("load_regions", "31")
    quiet("create_office", "31.71")
    pusat = Office.objects.get(code="31.71")
    assert (pusat.name, pusat.short_name, pusat.city) == (
        "Komisi Pemilihan Umum Kota Jakarta Pusat",
        "KPU Kota Jakarta Pusat",
        "Jakarta Pusat",
    )
    template = DecreeTemplate.active(pusat)
    assert template.signer_title == "KETUA KOMISI PEMILIHAN UMUM KOTA JAKARTA PUSAT"
    assert template.letterhead_name == "KOMISI PEMILIHAN UMUM\nKOTA JAKARTA PUSAT"
    assert "Lurah se-Kota Administrasi Jakarta Pusat" in template.considerations


def test_a_banda_aceh_keputusan_petikan_and_pact_are_kip_s_from_letterhead_to_signature(artifacts_dir):
    import datetime as dt
    import shutil

    from integrity.models import Ceremony, Pact
    from integrity.services.pacts import pacts_generate
    from secretariat.models import DocumentKind
    from secretariat.services.decrees import decree_issue

    from .factories import install_local_seal, make_appointment, make_person
    from .test_offices_documents import rendered_text

    quiet("load_regions", "11")
    quiet("create_office", "11.71")
    banda_aceh = Office.objects.get(code="11.71")
    template = DecreeTemplate.active(banda_aceh)
    template.signer_name = "KETUA UJI BANDA ACEH"
    template.save()
    install_local_seal(banda_aceh)  # its own seal, in its own name (tests/test_office_seals.py)
    member = make_appointment(
        person=make_person(office_code="11.71", name="Cut Nyak Kampung Baru", gender="P", region="117101"),
        kelurahan="11.71.01.2001",  # Gampong Kampung Baru
        lurah_decree_number=LONG_NUMBER,
        lurah_decree_date=dt.date(2024, 5, 20),
    )
    decree = decree_issue(decree_date=dt.date(2024, 6, 1), office=banda_aceh)
    keputusan_doc = decree.documents.get(kind=DocumentKind.KEPUTUSAN)
    keputusan = rendered_text(keputusan_doc)
    assert "KEPUTUSAN KOMISI INDEPENDEN PEMILIHAN KOTA BANDA ACEH" in keputusan
    assert "KETUA KOMISI INDEPENDEN PEMILIHAN KOTA BANDA ACEH" in keputusan
    assert "Undang-Undang Nomor 11 Tahun 2006 tentang Pemerintahan Aceh" in keputusan
    assert "Keuchik se-Kota Banda Aceh" in keputusan
    assert "Ditandatangani secara elektronik oleh Komisi Independen Pemilihan Kota Banda Aceh" in keputusan
    assert "Komisi Pemilihan Umum Kota" not in keputusan and "KOMISI PEMILIHAN UMUM KOTA" not in keputusan
    petikan_doc = decree.documents.get(kind=DocumentKind.PETIKAN, appointment=member)
    petikan = rendered_text(petikan_doc)
    assert f"Keputusan Keuchik Nomor {LONG_NUMBER} tanggal 20 Mei 2024" in petikan
    # The basis decree's number is one unbroken run on the page (it broke at "KPTS/" before).
    petikan_doc.refresh_from_db()
    layout = pdf.poppler_text(petikan_doc.file.path)
    assert any(LONG_NUMBER in line for line in layout.splitlines()), layout

    Ceremony.objects.create(
        office=banda_aceh,
        name="Penandatanganan",
        date=dt.date(2024, 6, 1),
        place="Aula KIP",
        city="Banda Aceh",
    )
    pacts_generate(office=banda_aceh)
    pact_doc = Pact.objects.get(appointment=member).document
    pact = rendered_text(pact_doc)
    assert "KOMISI INDEPENDEN PEMILIHAN" in pact and "KOTA BANDA ACEH" in pact
    assert "KPU, KIP Aceh, dan KIP Kabupaten/Kota" in pact
    assert "Banda Aceh, 1 Juni 2024" in pact
    for name, document in (("keputusan", keputusan_doc), ("petikan", petikan_doc), ("pakta", pact_doc)):
        document.refresh_from_db()
        shutil.copy(document.file.path, artifacts_dir / f"banda-aceh-{name}.pdf")
