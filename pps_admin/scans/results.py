"""What an intake of scanned pages shows and does, whatever the papers are (pacts, Petikan receipts): each
page's verdict, the preview once the worker has read every page, and the confirm step that takes the staged
pages once and removes the files it stored when its transaction does not commit.

The intakes (integrity/services/scan_intake.py, secretariat/services/petikan_receipts.py) bring the rules:
how pages are classified and what is written for a page that attaches.
"""

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..staging import SCANS
from .intake import StagedScan, scans_claim, scans_staged
from .pages import ScanPage


@dataclass
class PageResult:
    number: int
    label: str
    verdict: str
    message: str
    record: Any = None  # what the page was matched to (a pact, a Petikan), if anything
    attaches: bool = False


@dataclass
class IntakePreview:
    pages: list[PageResult]
    token: str | None  # None: no page would be attached (or the pages are still being read)
    staged: StagedScan | None = None

    @property
    def matched(self) -> list[PageResult]:
        return [page for page in self.pages if page.attaches]

    @property
    def problems(self) -> list[PageResult]:
        return [page for page in self.pages if not page.attaches]


@dataclass
class IntakeOutcome:
    attached: list[PageResult]
    problems: list[PageResult]


Classify = Callable[[list[ScanPage]], list[PageResult]]


def scans_preview(*, token: str, purpose: str, session: MutableMapping, classify: Classify) -> IntakePreview:
    """The preview kept under `token`: every page classified once the worker has read them all, else no
    pages yet and `staged` telling how far the reading is."""
    staged = scans_staged(token=token, purpose=purpose, session=session)
    if not staged.ready:
        return IntakePreview([], None, staged)
    results = classify(staged.pages)
    return IntakePreview(results, token if any(r.attaches for r in results) else None, staged)


def scans_confirm(
    *,
    token: str,
    purpose: str,
    session: MutableMapping,
    write: Callable[[StagedScan, list], list[PageResult]],
) -> IntakeOutcome:
    """Take the pages staged under `token` (once: a second submit is refused) and hand them to `write`,
    which classifies them again and stores what attaches in one transaction, appending each FieldFile it
    saves to the list it is given. When `write` fails, those files are deleted (the rows that named them
    were rolled back) and the pages are given back for another try."""
    staged = scans_claim(token=token, purpose=purpose, session=session)
    stored: list = []
    try:
        results = write(staged, stored)
    except BaseException:
        for field in stored:
            field.storage.delete(field.name)
        SCANS.release(token)
        raise
    SCANS.used(token, session)
    return IntakeOutcome([r for r in results if r.attaches], [r for r in results if not r.attaches])
