"""Pacts for the whole roster with a real Celery worker, PDFs read back."""

from pathlib import Path

import pytest
from django.core.management import call_command

from integrity.models import Pact, PactText
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from . import pdf
from .factories import office

pytestmark = pytest.mark.usefixtures("committed_db")


def test_generate_pacts_wait_renders_102_one_page_f4_pacts_naming_each_member(celery_worker, capsys):
    assert members_import(data=demo_csv(), dry_run=False).ok
    call_command("generate_pacts", "--wait", "--timeout", "300")
    out = capsys.readouterr()
    paths = out.out.split()
    assert len(paths) == 102
    pacts = list(
        Pact.objects.select_related(
            "appointment__person", "appointment__kelurahan__kecamatan", "document", "text"
        )
    )
    assert len(pacts) == 102
    version = PactText.current(office())
    for pact in pacts:
        assert pact.text == version
        assert pact.status == "belum_dicetak"
        path = Path(pact.document.file.path)
        assert str(path) in paths
        assert pact.document.pages == 1 and len(pact.document.sha256) == 64
        [size] = pdf.page_sizes(path)
        assert pdf.is_size(size, pdf.F4_POINTS)
        text = pdf.flat(path)
        person = pact.appointment.person
        for expected in (
            "PAKTA INTEGRITAS",
            person.name,
            person.nik,
            pact.appointment.kelurahan.name,
            pact.appointment.kelurahan.kecamatan.name,
            "Balikpapan, 1 Juni 2024",
            "Yang membuat pernyataan",
        ):
            assert expected in text, (expected, path)

    call_command("generate_pacts", "--wait")
    out = capsys.readouterr()
    assert out.out == "" and "tidak ada yang dibuat" in out.err
