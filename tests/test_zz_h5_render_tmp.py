import datetime as dt
import shutil
from pathlib import Path

from integrity.models import Pact
from integrity.services.pacts import pacts_generate
from secretariat.models import DocumentKind
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store

from .test_offices_documents import DECREE_DATE, samarinda, samarinda_members, kutai_kartanegara, PERIAN, LOA_IPUH  # noqa
from .factories import make_appointment, make_person

OUT = Path("/tmp/h5_render")


def keep(document, name):
    document = document_render_and_store(document.pk)
    OUT.mkdir(exist_ok=True)
    shutil.copy(document.file.path, OUT / name)


def test_render_samarinda(samarinda):
    samarinda_members()
    decree = decree_issue(decree_date=DECREE_DATE, office=samarinda)
    keep(decree.documents.get(kind=DocumentKind.KEPUTUSAN), "smd-keputusan.pdf")
    keep(decree.documents.filter(kind=DocumentKind.PETIKAN).first(), "smd-petikan.pdf")
    pacts_generate(office=samarinda)
    keep(Pact.objects.first().document, "smd-pakta.pdf")


def test_render_kukar(kutai_kartanegara):
    desa = make_appointment(person=make_person(office_code="64.02", name="Yohanes Perian"), kelurahan=PERIAN,
                            lurah_decree_number="141/05/DS-PRN/V/2024", lurah_decree_date=dt.date(2024, 5, 20))
    make_appointment(person=make_person(office_code="64.02", name="Rina Loa Ipuh", gender="P"), kelurahan=LOA_IPUH)
    decree = decree_issue(decree_date=DECREE_DATE, office=kutai_kartanegara)
    keep(decree.documents.get(kind=DocumentKind.KEPUTUSAN), "kukar-keputusan.pdf")
    keep(decree.documents.get(kind=DocumentKind.PETIKAN, appointment=desa), "kukar-petikan.pdf")
    pacts_generate(office=kutai_kartanegara)
    keep(Pact.objects.get(appointment=desa).document, "kukar-pakta.pdf")
