"""Signals other apps of ours listen to (they may import secretariat; secretariat never imports them)."""

from django.dispatch import Signal

# Sent by services.offices.office_create once a kabupaten/kota office has its template, with `office`. A
# receiver gives the office what its app keeps per office, if the office has none yet, and returns the
# list of what it made, in Indonesian ("teks pakta integritas versi 1"), or [] when it made nothing.
office_created = Signal()
