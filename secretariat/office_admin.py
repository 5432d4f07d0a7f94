"""Admin forms of the rows an office owns: which office a new row belongs to.

A staff member of a kabupaten/kota office never chooses: what they add is their own office's (provincial
staff only read, see scoping.may_write). A superuser chooses, among kabupaten/kota offices, only when the
deployment has more than one (`make run` and a single-office install have one, which is taken). Once saved,
a row stays with its office: the field is never offered on a change form. The form knows the office before
it validates, so the per-office unique rules (one sequence per office and year, one active template per
office) are form errors, not database errors.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from .models import Office, OfficeKind
from .models.scoping import user_office

OFFICE_FIELDSET = ("Kantor", {"fields": ["office"]})
_REQUEST_ATTR = "_pps_new_row_office"


def office_for_new_row(request) -> Office | None:
    """The office a row added by this request belongs to, or None (a superuser must pick it; anybody else
    without a kabupaten/kota office adds nothing). Asked once per request."""
    if not hasattr(request, _REQUEST_ATTR):
        user = request.user
        office = user_office(user)
        office = office if office is not None and office.kind == OfficeKind.REGENCY else None
        if office is None and user.is_superuser:
            office = Office.sole()
        setattr(request, _REQUEST_ATTR, office)
    return getattr(request, _REQUEST_ATTR)


def _asks_office(request, obj) -> bool:
    return obj is None and request.user.is_superuser and office_for_new_row(request) is None


class OfficeOwnedAdminMixin:
    """For a model with an `office` field; put it before ModelAdmin in the bases."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "office"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [OFFICE_FIELDSET, *fieldsets] if _asks_office(request, obj) else fieldsets

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if _asks_office(request, obj) else [*exclude, "office"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = Office.objects.filter(kind=OfficeKind.REGENCY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        office = office_for_new_row(request) if obj is None else None
        return type(form.__name__, (OfficeKnownForm, form), {"new_row_office": office})

    def save_model(self, request, obj, form, change):
        office_set(request, obj)
        super().save_model(request, obj, form, change)


class OfficeKnownForm:
    """Mixed in before the admin's form class by OfficeOwnedAdminMixin.get_form."""

    new_row_office: Office | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.office_id is None and self.new_row_office is not None:
            self.instance.office = self.new_row_office

    def validate_unique(self):
        super().validate_unique()
        # The form leaves out `office`, and Django then skips every unique rule that names it.
        if "office" in self.fields or self.instance.office_id is None or self.errors:
            return
        try:
            self.instance.validate_unique()
            self.instance.validate_constraints()
        except ValidationError as exc:
            self.add_error(None, exc.messages)


class OfficeOwnedInlineMixin:
    """The same for an inline's rows; the parent admin calls `office_set` in its save_formset."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        asks = request.user.is_superuser and office_for_new_row(request) is None
        return exclude if asks else [*exclude, "office"]


def office_set(request, obj) -> None:
    """Give a new row its office (the form's choice for a superuser of several offices)."""
    if obj.office_id is not None:
        return
    office = office_for_new_row(request)
    if office is None:
        raise PermissionDenied("Pilih kantor KPU untuk data ini.")
    obj.office = office


# --- pages that issue or print an office's documents (SK issue and preview, pact generation, bundle) ---


def office_choice_needed(request) -> bool:
    """A superuser of a deployment with several kabupaten/kota offices picks the office in the form."""
    return request.user.is_superuser and office_for_new_row(request) is None


def office_choice_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Office.objects.filter(kind=OfficeKind.REGENCY),
        label="Kantor KPU",
        empty_label=None,
        error_messages={"required": "Pilih kantor KPU.", "invalid_choice": "Pilih kantor KPU yang ada."},
    )


def acting_office(request, chosen: Office | None = None) -> Office:
    """The office whose documents this request issues or prints: the staff member's own; a superuser's
    choice (`chosen`), else the deployment's only office. Staff of a KPU Provinsi only read."""
    office = user_office(request.user)
    if office is not None and office.kind != OfficeKind.REGENCY:
        raise PermissionDenied(f"{office.short_name} hanya melihat data kantor kabupaten/kota.")
    if office is not None:
        return office
    if not request.user.is_superuser:
        raise PermissionDenied("Akun ini belum terdaftar pada kantor KPU mana pun.")
    office = chosen or Office.sole()
    if office is None:
        raise ValidationError("Pilih kantor KPU.")
    return office
