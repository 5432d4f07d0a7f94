"""Which office's rows a user may see: the one rule, used by every admin page, selector and service.

- A superuser works for the whole deployment: every office.
- A staff member of a KPU Kabupaten/Kota office: that office only.
- A staff member of a KPU Provinsi office: the province's kabupaten/kota offices (read-only: their group
  is the viewer's, see roles.py) and the provincial office itself.
- Anybody else (a member of the portal, an account without a membership): no office.

Every model that belongs to an office has a queryset made by `office_scoped(path)`, where `path` reaches
the owning office ("office", "appointment__office", "job__office"). `Model.objects.visible_to(user)` is
the only way staff-facing code narrows rows; pps_admin.admin_scope applies it to every admin page,
autocomplete and form choice, and the regions (kelurahan app) get the same rule through kelurahan.scope.
"""

from django.db import models

from .office import Office, OfficeKind, StaffMembership

_CACHE_ATTR = "_pps_visible_office_ids"
_OFFICE_ATTR = "_pps_user_office"
_REGENCIES_ATTR = "_pps_visible_regency_codes"


def forget_scope(user) -> None:
    """Drop what `visible_office_ids` cached on this user object (after their membership changed)."""
    for attr in (_CACHE_ATTR, _OFFICE_ATTR, _REGENCIES_ATTR):
        user.__dict__.pop(attr, None)


def user_office(user) -> Office | None:
    """The office `user` works for (their membership), or None (superusers without one, portal members).
    Cached on the user object like `visible_office_ids`: the admin asks it for every permission check."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if _OFFICE_ATTR not in user.__dict__:
        membership = StaffMembership.objects.select_related("office").filter(user_id=user.pk).first()
        user.__dict__[_OFFICE_ATTR] = membership.office if membership else None
    return user.__dict__[_OFFICE_ATTR]


def visible_office_ids(user) -> frozenset[int] | None:
    """The ids of the offices whose rows `user` may see; None means every office. Cached on the user object,
    which Django builds once per request, so a page asks the database once."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    office = user_office(user) if user.is_staff else None
    if office is None:
        ids = frozenset()
    elif office.kind == OfficeKind.PROVINCE:
        ids = frozenset([office.pk, *office.children.values_list("pk", flat=True)])
    else:
        ids = frozenset([office.pk])
    setattr(user, _CACHE_ATTR, ids)
    return ids


def may_write(user) -> bool:
    """Whether `user` may change rows at all (their group then says which): superusers and staff of a
    kabupaten/kota office; a provincial office's staff only read."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    office = user_office(user) if user.is_staff else None
    return office is not None and office.kind == OfficeKind.REGENCY


def scope_key(user) -> str:
    """A short text naming `user`'s scope, for caches of figures computed over that scope ("all", "3-7")."""
    ids = visible_office_ids(user)
    return "all" if ids is None else "-".join(map(str, sorted(ids))) or "none"


def visible_regency_codes(user) -> frozenset[str] | None:
    """The kabupaten/kota codes of the offices `user` may see (None: all), for the regions' own lists."""
    ids = visible_office_ids(user)
    if ids is None:
        return None
    if _REGENCIES_ATTR not in user.__dict__:
        regencies = Office.objects.filter(pk__in=ids, regency__isnull=False).values_list(
            "regency_id", flat=True
        )
        user.__dict__[_REGENCIES_ATTR] = frozenset(regencies)
    return user.__dict__[_REGENCIES_ATTR]


class OfficeScopedQuerySet(models.QuerySet):
    office_path = "office"

    def of_office(self, office):
        return self.filter(**{self.office_path: office})

    def sees_everything(self, user) -> bool:
        return visible_office_ids(user) is None

    def visible_to(self, user):
        ids = visible_office_ids(user)
        if ids is None:
            return self
        if not ids:
            return self.none()
        return self.filter(**{f"{self.office_path}__in": sorted(ids)})


def office_scoped(path: str, base: type[models.QuerySet] = models.QuerySet) -> type[OfficeScopedQuerySet]:
    """A queryset class for a model whose office is at `path`; `base` keeps the model's own methods."""
    bases = (OfficeScopedQuerySet,) if base is models.QuerySet else (OfficeScopedQuerySet, base)
    name = "OfficeScoped" + "".join(part.title() for part in path.split("__")) + base.__name__
    return type(name, bases, {"office_path": path})


def offices_visible_to(user) -> models.QuerySet:
    """The offices themselves that `user` may see (the Office list, the overviews), by the same rule."""
    ids = visible_office_ids(user)
    if ids is None:
        return Office.objects.all()
    return Office.objects.filter(pk__in=sorted(ids))
