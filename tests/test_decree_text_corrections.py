"""Wording corrections of the default decree text after a read-through of the printed documents: the
replacement decree charges its costs to the budget (as the main decree does) and names the replaced
member's last day on duty as such, and a Petikan appoints one person as a member (anggota) of the
secretariat. Migration 0032 brings every untouched template there."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps

from secretariat import decree_defaults, decree_defaults_paw
from secretariat.models import DecreeTemplate, Document, DocumentKind
from secretariat.office_wording import BALIKPAPAN_2024
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import render_document_pdf
from secretariat.services.title_case import number_in_heading, number_in_sentence

from . import pdf
from .factories import make_appointment, make_person, office

MIGRATION = importlib.import_module("secretariat.migrations.0032_decree_text_funding_and_petikan_wording")
ELECTION = BALIKPAPAN_2024.election
OLD_PAW_FUNDING = (
    f"Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Naskah Perjanjian Hibah "
    f"Daerah (NPHD) {ELECTION}."
)
OLD_PETIKAN = (
    f"Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Sekretariat Panitia Pemungutan Suara "
    f"dalam {ELECTION}:"
)
OLD_PAW_PETIKAN = (
    "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Pengganti Antarwaktu Sekretariat "
    f"Panitia Pemungutan Suara dalam {ELECTION}:"
)


NEW_STOPPED = "berhenti karena {alasan_berhenti} dengan hari terakhir bertugas tanggal {tanggal_berhenti},"
OLD_STOPPED = "berhenti terhitung sejak tanggal {tanggal_berhenti} karena {alasan_berhenti},"


def _set_old_wording(template):
    lines = decree_defaults_paw.paw_dictums(BALIKPAPAN_2024)
    template.paw_dictums = "\n".join(OLD_PAW_FUNDING if "Segala biaya" in line else line for line in lines)
    considerations = "\n".join(decree_defaults_paw.paw_considerations(BALIKPAPAN_2024))
    assert NEW_STOPPED in considerations
    template.paw_considerations = considerations.replace(NEW_STOPPED, OLD_STOPPED)
    template.petikan_dictum = OLD_PETIKAN
    template.paw_petikan_dictum = OLD_PAW_PETIKAN
    template.save()


def test_the_replacement_decree_charges_its_costs_as_the_main_decree_does():
    main = decree_defaults.dictums(BALIKPAPAN_2024)
    paw = decree_defaults_paw.paw_dictums(BALIKPAPAN_2024)
    funding = decree_defaults.funding_dictum(BALIKPAPAN_2024)
    assert funding in main and funding in paw
    assert "dibebankan pada anggaran hibah Anggaran Pendapatan dan Belanja Daerah" in funding


def test_an_untouched_template_gets_the_corrected_words_with_a_history_record(db):
    template = DecreeTemplate.active(office())
    _set_old_wording(template)
    history_before = template.history.count()
    MIGRATION.forward(django_apps, None)
    template.refresh_from_db()
    assert template.paw_dictums == "\n".join(decree_defaults_paw.paw_dictums(BALIKPAPAN_2024))
    assert template.petikan_dictum == decree_defaults.petikan_dictum(BALIKPAPAN_2024)
    assert template.paw_petikan_dictum == decree_defaults_paw.paw_petikan_dictum(BALIKPAPAN_2024)
    assert template.paw_considerations == "\n".join(decree_defaults_paw.paw_considerations(BALIKPAPAN_2024))
    # (With the live models the save records one more version itself; a migration's do not.)
    history_after = template.history.count()
    assert history_after > history_before
    assert template.history.first().history_change_reason.startswith("teks bawaan dikoreksi")
    MIGRATION.forward(django_apps, None)  # a second run finds nothing to change
    assert template.history.count() == history_after


def test_a_line_staff_edited_is_kept_word_for_word_and_reversing_restores_the_old_words(db):
    template = DecreeTemplate.active(office())
    _set_old_wording(template)
    edited = "Menetapkan Saudara tersebut di bawah ini sebagai Sekretariat PPS (disunting staf):"
    template.petikan_dictum = edited
    template.save()
    MIGRATION.forward(django_apps, None)
    template.refresh_from_db()
    assert template.petikan_dictum == edited
    assert "dibebankan pada anggaran hibah" in template.paw_dictums  # not edited: corrected
    MIGRATION.backward(django_apps, None)
    template.refresh_from_db()
    assert OLD_PAW_FUNDING in template.paw_dictums.split("\n")
    assert template.paw_petikan_dictum == OLD_PAW_PETIKAN
    assert OLD_STOPPED in template.paw_considerations
    assert template.petikan_dictum == edited


def test_a_petikan_appoints_its_member_as_a_member_of_the_secretariat(db):
    appointment = make_appointment(
        person=make_person(name="Siti Aminah"), kelurahan="64.71.01.1001", role="sekretaris"
    )
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    document = Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=appointment)
    text = pdf.flat(render_document_pdf(document))
    assert re.search(
        r"KESATU : Menetapkan Saudara yang namanya tersebut di bawah ini sebagai anggota Sekretariat", text
    )


@pytest.mark.parametrize(
    ("number", "cited"),
    [
        ("NOMOR 1 TAHUN 2024", "Nomor 1 Tahun 2024"),
        ("Nomor 3 Tahun 2024", "Nomor 3 Tahun 2024"),  # a format writing the word itself: not doubled
        ("nomor 3 tahun 2024", "Nomor 3 tahun 2024"),
        ("12/PP.04.2-Kpt/6471/2024", "Nomor 12/PP.04.2-Kpt/6471/2024"),  # an older code, as written
        ("NOMOR 12/PP.04.2-Kpt/6471/2024", "Nomor 12/PP.04.2-Kpt/6471/2024"),
    ],
)
def test_a_decree_number_is_cited_in_a_sentence_as_nomor_and_its_number(number, cited):
    assert number_in_sentence(number) == cited


def test_migration_0033_makes_the_paw_memperhatikan_from_the_template_s_own(db):
    """From the main decree's default Memperhatikan it makes exactly today's PAW default; an office's
    edited item citing 476/2022 is carried over as edited."""
    paw = importlib.import_module("secretariat.migrations.0033_decree_template_paw_observations")
    main = "\n".join(decree_defaults.observations(BALIKPAPAN_2024))
    assert paw._paw_observations(main) == "\n".join(decree_defaults_paw.paw_observations(BALIKPAPAN_2024))
    edited = main.replace("Nomor 476 Tahun 2022 tentang", "Nomor 476 Tahun 2022 (disunting) tentang")
    assert "(disunting)" in paw._paw_observations(edited)
    assert paw._paw_observations("") == ""
    template = DecreeTemplate.active(office())
    template.paw_observations = ""
    template.save()
    paw.forward(django_apps, None)
    template.refresh_from_db()
    assert "tentang Penggantian Antarwaktu Sekretariat" in template.paw_observations


@pytest.mark.parametrize(
    ("number", "heading"),
    [
        ("NOMOR 1 TAHUN 2024", "NOMOR 1 TAHUN 2024"),
        ("Nomor 3 Tahun 2024", "Nomor 3 Tahun 2024"),
        ("12/PP.04.2-Kpt/6471/2024", "NOMOR 12/PP.04.2-Kpt/6471/2024"),
    ],
)
def test_a_decree_number_is_headed_by_nomor_once(number, heading):
    assert number_in_heading(number) == heading
