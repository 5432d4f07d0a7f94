"""Every admin page shows only the rows the signed-in user may see.

The rule itself lives with the models (a queryset method `visible_to(user)`: offices in
secretariat.models.scoping, regions in kelurahan.scope); this module applies it, for any model whose default
queryset has that method, to what the admin reads: the changelist and its search, the change/history/delete
pages (an object outside the scope is a 404, as if it did not exist), autocomplete (which asks the related
model's admin for its queryset), the choices of foreign-key and many-to-many form fields and those of
the list filters on a relation (`list_filter = ["province"]`). Custom admin views and services call
`visible_to` themselves. tests/test_office_isolation.py checks that every admin of our apps applies it.
This module imports no app (shared/ARCHITECTURE.md).
"""

from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.http import Http404


def scoped(queryset, user):
    """`queryset` narrowed to `user`'s scope when its model is scoped; unchanged otherwise."""
    visible_to = getattr(queryset, "visible_to", None)
    return visible_to(user) if visible_to is not None else queryset


# user -> whether they may add, change or delete anything here; registered by the app that knows offices.
_write_rule = None


def register_write_rule(rule) -> None:
    global _write_rule
    _write_rule = rule


def may_write(user) -> bool:
    return _write_rule(user) if _write_rule is not None else bool(getattr(user, "is_superuser", False))


def sees_everything(queryset, user) -> bool:
    """Whether `user`'s scope on `queryset`'s model is every row (a superuser's)."""
    check = getattr(queryset, "sees_everything", None)
    return check(user) if check is not None else True


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A list filter on a relation whose choices are only the related rows the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = scoped(field.related_model._default_manager.all(), request.user)
        related = related.complex_filter(field.get_limit_choices_to())
        if ordering:
            related = related.order_by(*ordering)
        return [(row.pk, str(row)) for row in related]


def _is_relation(model, path: str) -> bool:
    try:
        return get_fields_from_path(model, path)[-1].is_relation
    except Exception:  # not a field path (the system checks report those)
        return False


class ScopedAdminMixin:
    """Put first in an admin's bases, before ModelAdmin."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def sees_whole_table(self, request) -> bool:
        # For LargeTableAdminMixin: a narrowed list is counted, not estimated from the table's size.
        return sees_everything(self.model._default_manager.all(), request.user)

    # Read-only users (a provincial office's staff) get view pages whatever their group says.
    def has_add_permission(self, request, *args):
        return may_write(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return may_write(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_write(request.user) and super().has_delete_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        """A 404 for an object outside the scope, as for one that does not exist: Django's change and
        delete pages would otherwise redirect to the index saying "... tidak ada", a page of its own."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_list_filter(self, request):
        return [
            (item, ScopedRelatedFieldListFilter)
            if isinstance(item, str) and _is_relation(self.model, item)
            else item
            for item in super().get_list_filter(request)
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request.user)
        return field
