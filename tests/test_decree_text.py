"""The legal content of the Keputusan (issue #13 items 1 and 5): current references, dictums that agree, the
plenary minutes staff fill in, and the data migration that brings an untouched template up to date.

Decrees are issued and rendered through the services and read back from the PDF with pypdf.
"""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from secretariat import decree_defaults
from secretariat.models import DecreeTemplate, Document, DocumentKind
from secretariat.services.decree_text import text_gaps
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import render_document_pdf

from . import pdf
from .factories import make_appointment, make_person, office

SK_DATE = dt.date(2024, 6, 1)
MIGRATION = importlib.import_module("secretariat.migrations.0015_decree_text_2024_sources")


@pytest.fixture
def member(db):
    return make_appointment(
        person=make_person(name="Siti Aminah"), kelurahan="64.71.01.1001", role="sekretaris"
    )


def _keputusan_text(decree) -> str:
    document = Document.objects.select_related("decree").get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    # The page footer falls inside whatever item a page break splits: read the text without it.
    return re.sub(r" ?Halaman \d+ dari \d+", "", pdf.flat(render_document_pdf(document)))


def _dictum(text: str, ordinal: str, following: str) -> str:
    """The words of one dictum in the PDF text: from its ordinal up to the next one."""
    match = re.search(rf"\b{ordinal} : (.*?) {following}\b", text)
    assert match, f"{ordinal} not found in the Keputusan"
    return match.group(1)


def _issued_text(member) -> str:
    decree = decree_issue(decree_date=SK_DATE)
    return _keputusan_text(decree)


def test_the_default_keputusan_cites_uu_7_2023_with_promulgation_references_and_not_the_perppu(member):
    text = _issued_text(member)
    assert (
        "sebagaimana telah diubah dengan Undang-Undang Nomor 7 Tahun 2023 tentang Penetapan Peraturan "
        "Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2022" in text
    )
    assert (
        "Lembaran Negara Republik Indonesia Tahun 2017 Nomor 182, Tambahan Lembaran Negara Republik "
        "Indonesia Nomor 6109" in text
    )
    assert (
        "Lembaran Negara Republik Indonesia Tahun 2015 Nomor 23, Tambahan Lembaran Negara Republik "
        "Indonesia Nomor 5656" in text
    )
    assert (
        "Lembaran Negara Republik Indonesia Tahun 2020 Nomor 193, Tambahan Lembaran Negara Republik "
        "Indonesia Nomor 6547" in text
    )
    assert "Berita Negara Republik Indonesia Tahun 2019 Nomor 320" in text
    assert "Badan Adhoc Penyelenggara Pemilihan Umum dan Pemilihan Gubernur" in text
    assert "(Berita Negara Republik Indonesia Tahun 2022 Nomor 1116)" in text
    assert "Peraturan Komisi Pemilihan Umum Nomor 12 Tahun 2023 tentang Perubahan Kelima" in text
    assert "Keputusan Komisi Pemilihan Umum Nomor 638 Tahun 2024 tentang Perubahan Kelima" in text
    # The Perppu is named only inside UU 7/2023's own title, never as the amending act.
    assert "diubah dengan Peraturan Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2022" not in text
    assert text.count("Peraturan Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2022") == 1


def test_ketiga_and_kelima_agree_on_when_the_term_counts(member):
    text = _issued_text(member)
    ketiga = _dictum(text, "KETIGA", "KEEMPAT")
    kelima = re.search(r"\bKELIMA : (.*?\.)", text).group(1)
    assert "terhitung mulai tanggal 26 Mei 2024 sampai dengan tanggal 27 Januari 2025" in ketiga
    # In force on 1 June, the term counting from 26 May: KELIMA says so instead of contradicting KETIGA.
    assert "mulai berlaku pada tanggal ditetapkan" in kelima
    assert "Diktum KETIGA terhitung mulai tanggal 26 Mei 2024" in kelima
    assert "Ditetapkan di Balikpapan pada tanggal 1 Juni 2024" in text


def test_the_funding_dictum_names_the_regional_grant(member):
    keempat = _dictum(_issued_text(member), "KEEMPAT", "KELIMA")
    assert "Naskah Perjanjian Hibah Daerah (NPHD)" in keempat
    assert "hibah" in keempat


def test_unfilled_plenary_minutes_print_as_dotted_blanks_and_are_listed_as_gaps(member):
    template = DecreeTemplate.active(office())
    gaps = text_gaps(template)
    assert any("Nomor Berita Acara Rapat Pleno belum diisi" in gap for gap in gaps)
    assert any("Tanggal Berita Acara Rapat Pleno belum diisi" in gap for gap in gaps)
    text = _issued_text(member)
    assert re.search(
        r"Berita Acara Rapat Pleno Komisi Pemilihan Umum Kota Balikpapan Nomor …+ tanggal …+ tentang", text
    )
    assert "{ba_pleno" not in text


def test_filled_plenary_minutes_are_printed_and_no_longer_a_gap(member):
    template = DecreeTemplate.active(office())
    template.plenary_minutes_number = "45/PL.02.1-BA/6471/2024"
    template.plenary_minutes_date = dt.date(2024, 5, 30)
    template.full_clean()
    template.save()
    assert not any("Berita Acara" in gap for gap in text_gaps(template))
    text = _issued_text(member)
    assert "Nomor 45/PL.02.1-BA/6471/2024 tanggal 30 Mei 2024 tentang Penetapan Sekretariat" in text


def test_minutes_already_used_by_an_issued_decree_are_flagged_for_the_next_one(member):
    template = DecreeTemplate.active(office())
    template.plenary_minutes_number = "45/PL.02.1-BA/6471/2024"
    template.plenary_minutes_date = dt.date(2024, 5, 30)
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    assert decree.text["plenary_minutes"] == {"number": "45/PL.02.1-BA/6471/2024", "date": "2024-05-30"}
    gaps = text_gaps(template)
    assert any("sudah dipakai NOMOR 1 TAHUN 2024" in gap for gap in gaps)


def test_unconfirmed_promulgation_numbers_are_gaps_naming_the_mengingat_item(db):
    gaps = text_gaps(DecreeTemplate.active(office()))
    blanks = [gap for gap in gaps if "titik-titik yang harus dilengkapi" in gap]
    # UU 7/2023 (LN and TLN) and PKPU 2/2024 (BN) could not be confirmed: see LEGAL_SOURCES.md.
    assert [gap.split(" masih")[0] for gap in blanks] == [
        "Mengingat butir 2",
        "Mengingat butir 5",
    ]


def test_an_unknown_placeholder_is_a_gap(db):
    template = DecreeTemplate.active(office())
    template.dictums += "\nBerlaku sampai {akhir_masa}."
    assert any("{akhir_masa}" in gap and "Diktum butir 6" in gap for gap in text_gaps(template))


def test_the_issue_page_lists_the_gaps_before_anything_is_issued(staff_client, member):
    response = staff_client.get(reverse("admin:secretariat_decree_issue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="text-gaps"' in body
    assert "Nomor Berita Acara Rapat Pleno belum diisi" in body
    assert "Mengingat butir 2 masih memuat titik-titik" in body


def test_an_authenticating_official_left_blank_is_a_gap_and_a_name_without_nip_another(db):
    template = DecreeTemplate.active(office())
    template.authenticator_name = template.authenticator_nip = ""
    assert any("Nama pengesah petikan (Templat SK) belum diisi" in gap for gap in text_gaps(template))
    template.authenticator_name = "Dra. Contoh Sekretaris"
    gaps = text_gaps(template)
    assert not any("Nama pengesah petikan" in gap for gap in gaps)
    assert any("NIP pengesah petikan (Templat SK) belum diisi" in gap for gap in gaps)
    template.authenticator_nip = "197001011995031001"
    assert not any("pengesah petikan" in gap for gap in text_gaps(template))


def test_a_complete_template_shows_no_gap_warning(staff_client, member):
    template = DecreeTemplate.active(office())
    template.plenary_minutes_number = "45/PL.02.1-BA/6471/2024"
    template.plenary_minutes_date = dt.date(2024, 5, 30)
    template.authenticator_name, template.authenticator_nip = "Dra. Contoh Sekretaris", "197001011995031001"
    template.legal_basis = template.legal_basis.replace("Nomor ....", "Nomor 1")
    template.save()
    assert text_gaps(template) == []
    assert (
        'id="text-gaps"' not in staff_client.get(reverse("admin:secretariat_decree_issue")).content.decode()
    )


# --- the data migration ---------------------------------------------------------------------------------


def _set_old_defaults(template):
    template.legal_basis = "\r\n".join(MIGRATION.OLD_LEGAL_BASIS)  # as a browser submits a textarea
    template.observations = "\n".join(MIGRATION.OLD_OBSERVATIONS)
    template.dictums = "\n\n".join(MIGRATION.OLD_DICTUMS)
    template.save()


def test_the_migration_gives_an_untouched_template_the_new_text(db):
    template = DecreeTemplate.active(office())
    _set_old_defaults(template)
    history_before = template.history.count()
    MIGRATION.forward(django_apps, None)
    template.refresh_from_db()
    assert template.legal_basis == "\n".join(decree_defaults.LEGAL_BASIS)
    assert template.observations == "\n".join(decree_defaults.OBSERVATIONS)
    assert template.dictums == "\n".join(decree_defaults.DICTUMS)
    latest = template.history.first()
    assert template.history.count() > history_before
    assert latest.history_change_reason == "teks hukum bawaan diperbarui (sumber 2024)"
    assert latest.legal_basis == template.legal_basis


def test_the_migration_leaves_every_field_staff_edited_alone(db):
    template = DecreeTemplate.active(office())
    _set_old_defaults(template)
    edited_basis = template.legal_basis.replace(
        "Undang-Undang Nomor 1 Tahun 2015", "Undang-Undang Nomor 1 Tahun 2015 (disunting staf)"
    )
    template.legal_basis = edited_basis
    template.save()
    MIGRATION.forward(django_apps, None)
    template.refresh_from_db()
    assert template.legal_basis == edited_basis  # edited: kept, word for word
    assert "Undang-Undang Nomor 7 Tahun 2023" not in template.legal_basis
    assert template.dictums == "\n".join(decree_defaults.DICTUMS)  # not edited: updated


def test_the_migration_reversed_restores_the_old_defaults(db):
    template = DecreeTemplate.active(office())
    _set_old_defaults(template)
    MIGRATION.forward(django_apps, None)
    MIGRATION.backward(django_apps, None)
    template.refresh_from_db()
    assert template.legal_basis == "\n".join(MIGRATION.OLD_LEGAL_BASIS)
    assert template.dictums == "\n".join(MIGRATION.OLD_DICTUMS)


def test_the_frozen_new_text_of_the_migration_is_todays_default():
    # If decree_defaults changes again, it needs a migration of its own; this one must not drift with it.
    assert MIGRATION.NEW_LEGAL_BASIS == decree_defaults.LEGAL_BASIS
    assert MIGRATION.NEW_DICTUMS == decree_defaults.DICTUMS
