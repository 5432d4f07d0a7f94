"""Keep personal data out of every log line (issue #14, item 3).

A NIK typed into a staff search travels in the URL (`?q=<NIK>`, the autocomplete's and the Ganti search's
`?term=<NIK>`), so any line that names a request can carry it: Django's `django.request` / `django.server`
warnings on 4xx/5xx, gunicorn's access and error logs. Two rules, applied to the whole rendered line (the
message, its arguments and any traceback):

- a query string after a path is dropped (it holds what was searched for);
- any run of 16 or more digits is masked (a NIK is 16 digits, a NIP 18), wherever it stands, e.g. in a path.

Stdlib only: the same filter serves Django's LOGGING and the gunicorn logger (pps_admin/gunicorn_conf.py).
"""

import logging
import re

# "/path?query" up to the next blank or quote: what request lines and referers look like in a log.
_QUERY = re.compile(r"(?P<path>/[^\s?\"'<>]*)\?[^\s\"'<>]*")
_LONG_DIGITS = re.compile(r"\d{16,}")
MASK = "[redacted]"


def redact(text: str) -> str:
    """The text without query strings and with long digit runs masked."""
    return _LONG_DIGITS.sub(MASK, _QUERY.sub(r"\g<path>", text))


class RedactPersonalData(logging.Filter):
    """A logging filter that rewrites a record in place and never drops it.

    Put it on handlers (a filter on a logger misses records propagated from its children)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is rendered (and cleaned) once here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
