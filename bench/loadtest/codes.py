"""What makes a row synthetic: its reserved code, nothing else (no marker column in the product's tables).

- Kecamatan and kelurahan under provinces ``00`` to ``09`` (``0P.KK.CC``, ``0P.KK.CC.1001``): Kemendagri
  province codes run from 11 to 96, so no real region's code starts with 0. Their kabupaten/kota and
  provinces, and the KPU offices of those, have such codes too (`regions`).
- People whose NIK starts with province ``99``: no Kemendagri province has that code either, and
  ``parse_nik`` refuses ``00``, so a synthetic person still passes the product's NIK validation.

Appointments are synthetic when their person or their kelurahan is. The same rules read history rows,
which carry the code and the NIK as they were written.
"""

from django.db.models import Q

from kelurahan.codes import SYNTHETIC_CODE_PREFIX, SYNTHETIC_PROVINCES
from kelurahan.models import Kecamatan, Kelurahan
from secretariat.models import Person

REGION_PROVINCES = SYNTHETIC_PROVINCES  # "00" .. "09", reserved by the product (kelurahan.codes)
REGION_PREFIX = SYNTHETIC_CODE_PREFIX  # "0": the first digit of every synthetic region code
NIK_PROVINCE = "99"

SYNTHETIC_REGION = Q(code__startswith=REGION_PREFIX)
SYNTHETIC_PERSON = Q(nik__startswith=NIK_PROVINCE)
SYNTHETIC_APPOINTMENT = Q(person__nik__startswith=NIK_PROVINCE) | Q(kelurahan__code__startswith=REGION_PREFIX)


class SyntheticError(Exception):
    """Seeding or removal cannot go ahead; the message is for the user (Indonesian)."""


def synthetic_filter(model) -> Q | None:
    """The rows of `model` that are synthetic by their own code, or None if the model has no such code."""
    return {Kecamatan: SYNTHETIC_REGION, Kelurahan: SYNTHETIC_REGION, Person: SYNTHETIC_PERSON}.get(model)
