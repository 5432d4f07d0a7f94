"""Which regions a staff member sees in the region lists (kecamatan, desa/kelurahan, kabupaten/kota,
provinsi).

The rule belongs to the app that knows offices (secretariat.models.scoping), which registers it here when it
starts: this app imports no other app of ours. Without a registered rule only superusers see regions.
"""

from collections.abc import Callable

from django.db import models

# user -> the kabupaten/kota codes the user may see, or None for all of them.
_rule: Callable[[object], frozenset[str] | None] | None = None


def register_region_rule(rule: Callable[[object], frozenset[str] | None]) -> None:
    global _rule
    _rule = rule


def visible_regency_codes(user) -> frozenset[str] | None:
    if _rule is not None:
        return _rule(user)
    return None if getattr(user, "is_superuser", False) else frozenset()


class RegionQuerySet(models.QuerySet):
    """`regency_path` reaches the kabupaten/kota code from the model ("code", "regency",
    "kecamatan__regency"); a province is visible when one of its kabupaten/kota is."""

    regency_path = "code"
    province_level = False

    def sees_everything(self, user) -> bool:
        return visible_regency_codes(user) is None

    def visible_to(self, user):
        codes = visible_regency_codes(user)
        if codes is None:
            return self
        if not codes:
            return self.none()
        if self.province_level:
            return self.filter(code__in=sorted({code[:2] for code in codes}))
        return self.filter(**{f"{self.regency_path}__in": sorted(codes)})


def region_scoped(regency_path: str, *, province_level: bool = False) -> type[RegionQuerySet]:
    name = "RegionScoped" + "".join(part.title() for part in regency_path.split("__"))
    return type(name, (RegionQuerySet,), {"regency_path": regency_path, "province_level": province_level})
