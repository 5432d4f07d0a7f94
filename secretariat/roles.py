"""Staff roles as Django groups, kept in step after every migrate.

- Operator KPU: keeps the roster, imports, issues and revokes decrees, prepares and records pacts, creates
  portal accounts, keeps their own office's facts on its decree template (signer, place, letterhead,
  authenticating official, plenary minutes, layout: DecreeTemplate.OFFICE_FACT_FIELDS). Cannot edit the
  legal text (the rest of the decree template, the pact text: superusers only) or delete records.
  Only operators export the roster with full NIKs (Person's export_full_nik permission).
- Pengamat KPU: reads everything, changes nothing; roster exports show masked NIKs.
Superusers can do everything. Assign people to a group under Autentikasi → Pengguna.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OPERATOR = "Operator KPU"
VIEWER = "Pengamat KPU"
APPS = ("kelurahan", "secretariat", "integrity")
# Legal text is the superusers' (their admin classes also refuse everyone else), and so is what all offices
# share or what decides who works where: the election period, the offices, staff memberships.
SUPERUSER_ONLY_MODELS = ("pacttext", "electionperiod", "office", "staffmembership")
# An operator changes their own office's template (its office facts only: the admin keeps the legal text
# read-only for them); only superusers add one.
SUPERUSER_ADDS_MODELS = ("decreetemplate",)


def ensure_staff_groups(**kwargs) -> None:
    ours = Permission.objects.filter(content_type__app_label__in=APPS)
    view = ours.filter(codename__startswith="view_")
    operate = ours.filter(
        Q(codename__startswith="view_")
        | Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename="export_full_nik")
    ).exclude(content_type__model__in=SUPERUSER_ONLY_MODELS, codename__regex=r"^(add|change)_")
    operate = operate.exclude(content_type__model__in=SUPERUSER_ADDS_MODELS, codename__startswith="add_")
    operator, _ = Group.objects.get_or_create(name=OPERATOR)
    operator.permissions.set(operate)
    viewer, _ = Group.objects.get_or_create(name=VIEWER)
    viewer.permissions.set(view)
