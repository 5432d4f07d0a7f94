"""Every admin page shows only the rows the signed-in user may see.

The rule itself lives with the models (a queryset method `visible_to(user)`: offices in
secretariat.models.scoping, regions in kelurahan.scope); this module applies it, for any model whose default
queryset has that method, to what the admin reads: the changelist and its search, the change/history/delete
pages (an object outside the scope is a 404, as if it did not exist), autocomplete (which asks the related
model's admin for its queryset) and the choices of foreign-key and many-to-many form fields. Custom admin
views and services call `visible_to` themselves. tests/test_office_scoping.py checks that every admin of our
apps applies it. This module imports no app (shared/ARCHITECTURE.md).
"""


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


class ScopedInlineMixin(ScopedAdminMixin):
    """The same for inlines (their rows and their form fields' choices)."""
