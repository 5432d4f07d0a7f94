"""A new office's first pact text (create_office sends secretariat.signals.office_created)."""

from secretariat.services.office_texts import office_wording

from .. import defaults
from ..models import PactText


def pact_text_for_new_office(sender, *, office, **kwargs) -> list[str]:
    """Version 1 of the standard text, naming the office's own election; nothing when it has a text."""
    if PactText.objects.filter(office=office).exists():
        return []
    words = office_wording(office)
    text = PactText(
        office=office,
        version=1,
        title=defaults.TITLE,
        preamble=defaults.PREAMBLE,
        commitment=defaults.commitment(words),
        pledges="\n".join(defaults.pledges(words)),
        closing=defaults.CLOSING,
    )
    text.full_clean()
    text.save()
    return ["teks pakta integritas versi 1"]
