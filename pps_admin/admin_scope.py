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


class ScopedAdminMixin:
    """Put first in an admin's bases, before ModelAdmin."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

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
