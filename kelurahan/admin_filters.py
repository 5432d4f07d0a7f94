"""Admin list filters by kabupaten/kota, kecamatan or kelurahan that stay usable with thousands of them.

Up to MAX_LINKS choices (Balikpapan: 6 kecamatan, 34 kelurahan) the sidebar lists them as links, as
Django's own filters do. Beyond that (a province, the nation: 514 kabupaten/kota, 7,000 kecamatan, 83,763
kelurahan) a list would be a page of its own, so the filter becomes a box where staff type a code or an
exact name.
"""

from django.contrib import admin
from django.db.models import Q

from .models import Kecamatan, Kelurahan, Regency

MAX_LINKS = 100


class _RegionFilter(admin.SimpleListFilter):
    template = "admin/kelurahan/region_filter.html"
    region_model = Kecamatan
    field_path = ""  # path from the listed model to the region's code, e.g. "kelurahan__kecamatan"
    as_input = False
    example = "64.71.01"

    def lookups(self, request, model_admin):
        choices = self.choice_rows(self.region_model.objects.visible_to(request.user))
        self.as_input = len(choices) > MAX_LINKS
        return [] if self.as_input else choices

    def choice_rows(self, regions) -> list[tuple[str, str]]:
        """Up to MAX_LINKS + 1 (code, label) pairs of `regions` (those the user may see, kelurahan.scope):
        one more than shown tells that there are too many."""
        return list(regions.order_by("code").values_list("code", "name")[: MAX_LINKS + 1])

    def has_output(self):
        return True

    def choices(self, changelist):
        if not self.as_input:
            yield from super().choices(changelist)
            return
        yield {
            "input": True,
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "example": self.example,
            "hidden": [
                (key, value)
                for key, values in changelist.params.items()
                if key not in (self.parameter_name, "p")
                for value in (values if isinstance(values, list) else [values])
            ],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def region_codes(self):
        value = (self.value() or "").strip()
        return self.region_model.objects.filter(Q(code=value) | Q(name__iexact=value)).values("code")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return self.filter_codes(queryset, self.region_codes())

    def filter_codes(self, queryset, codes):
        return queryset.filter(**{f"{self.field_path}__in": codes})


class RegencyFilter(_RegionFilter):
    title = "kabupaten/kota"
    parameter_name = "kabkota"
    region_model = Regency
    example = "64.71"

    def choice_rows(self, regions):
        return [(r.code, str(r)) for r in regions.order_by("code")[: MAX_LINKS + 1]]  # "Kota ..."

    def region_codes(self):
        # Also "Kota Balikpapan" / "Kabupaten Paser": the stored name has no kind, the code says it.
        value = " ".join((self.value() or "").split())
        kind, _, rest = value.partition(" ")
        named = [
            regency.code
            for regency in Regency.objects.filter(name__iexact=rest)
            if rest and regency.kind.label.lower() == kind.lower()
        ]
        return Regency.objects.filter(Q(code=value) | Q(name__iexact=value) | Q(code__in=named)).values(
            "code"
        )


class KecamatanFilter(_RegionFilter):
    title = "kecamatan"
    parameter_name = "kecamatan"
    region_model = Kecamatan


class KelurahanFilter(_RegionFilter):
    title = "kelurahan"
    parameter_name = "kelurahan"
    region_model = Kelurahan
    example = "64.71.01.1001"


def kecamatan_filter(field_path: str, *, through=None):
    """A KecamatanFilter for `field_path`; `through(queryset, codes)` filters multi-valued paths."""
    return type(
        "KecamatanFilter",
        (KecamatanFilter,),
        {"field_path": field_path, **({"filter_codes": staticmethod(through)} if through else {})},
    )


def regency_filter(field_path: str):
    return type("RegencyFilter", (RegencyFilter,), {"field_path": field_path})


def kelurahan_filter(field_path: str):
    return type("KelurahanFilter", (KelurahanFilter,), {"field_path": field_path})
