"""Staff pages for one appointment: end it, replace its member (PAW), undo an end, find a replacement."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from pps_admin.admin_scale import LookaheadPaginator, numbered
from pps_admin.staff_pages import admin_context, require_perms

from ..models import Appointment, Person
from ..services.appointments import appointment_end, appointment_reactivate, appointment_replace
from .forms import (
    REPLACEMENT_MIN_CHARACTERS,
    EndAppointmentForm,
    ReactivateAppointmentForm,
    ReplaceAppointmentForm,
)


def _appointment_form_view(request, pk, form_class, title, action, *, needs_active=True):
    require_perms(request, "secretariat.change_appointment")
    appointments = Appointment.objects.visible_to(request.user)  # another office's: 404
    appointment = get_object_or_404(appointments.select_related("person", "kelurahan__kecamatan"), pk=pk)
    if needs_active and not appointment.is_active:
        messages.error(request, "Pengangkatan ini sudah berakhir.")
        return redirect("admin:secretariat_appointment_change", pk)
    if not needs_active and appointment.is_active:
        messages.error(request, "Pengangkatan ini masih aktif.")
        return redirect("admin:secretariat_appointment_change", pk)
    extra = {"request": request} if form_class is ReplaceAppointmentForm else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            target = action(appointment, form)
        except ValidationError as exc:
            # The service rolled back, but may have set fields on this object first (an "Akhiri" before a
            # refused replacement): show what is stored, not an end that was never saved.
            appointment.refresh_from_db()
            _add_errors(form, exc)
        else:
            return redirect(reverse("admin:secretariat_appointment_change", args=[target.pk]))
    return TemplateResponse(
        request,
        "admin/secretariat/appointment_action.html",
        admin_context(
            request, title, opts=Appointment._meta, form=form, appointment=appointment, original=appointment
        ),
    )


def _add_errors(form, exc: ValidationError) -> None:
    """Errors on the form's own fields next to them, the others above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def end_view(request, pk):
    def action(appointment, form):
        appointment_end(
            appointment=appointment,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Pengangkatan {appointment} diakhiri.")
        return appointment

    return _appointment_form_view(request, pk, EndAppointmentForm, "Akhiri pengangkatan", action)


def replace_view(request, pk):
    def action(appointment, form):
        new = appointment_replace(
            appointment=appointment,
            replacement=form.replacement_person,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            lurah_decree_number=form.cleaned_data["lurah_decree_number"],
            lurah_decree_date=form.cleaned_data["lurah_decree_date"],
            start_date=form.cleaned_data["start_date"],
        )
        messages.success(
            request,
            f"{new.person.name} menggantikan {appointment.person.name} mulai {new.start_date:%d-%m-%Y}. "
            "Terbitkan SK penggantian antarwaktu lewat Keputusan (SK) → Terbitkan SK.",
        )
        return new

    return _appointment_form_view(request, pk, ReplaceAppointmentForm, "Penggantian antarwaktu (PAW)", action)


def reactivate_view(request, pk):
    """Undo an "Akhiri" made by mistake (only while nobody replaced the member)."""

    def action(appointment, form):
        appointment_reactivate(appointment=appointment, note=form.cleaned_data["note"])
        messages.success(request, f"Pengakhiran {appointment} dibatalkan; pengangkatan aktif kembali.")
        return appointment

    return _appointment_form_view(
        request, pk, ReactivateAppointmentForm, "Batalkan pengakhiran", action, needs_active=False
    )


def replacement_search_view(request):
    """Search-as-you-type for "Ganti (PAW)": registered people without an active post, in the
    JSON shape of the admin's autocomplete (select2). The search is the person list's own (indexed: every
    word in the name, or a whole NIK), pages fetched without a count.

    It starts when a word has REPLACEMENT_MIN_CHARACTERS (the widget waits for as many characters): listing
    everyone without a post means passing everyone with one (bench/RESULTS.md, "the Ganti search"), and
    words shorter than a trigram scan the whole table; a word of three letters or more is found through
    the trigram index."""
    require_perms(request, "secretariat.change_appointment", "secretariat.view_person")
    term = request.GET.get("term", "").strip()
    page = None
    if max(map(len, term.split()), default=0) >= REPLACEMENT_MIN_CHARACTERS:
        people, _ = admin.site.get_model_admin(Person).get_search_results(
            request, Person.objects.visible_to(request.user), term
        )
        free = ~Exists(Appointment.objects.active().filter(person=OuterRef("pk")))
        paginator = LookaheadPaginator(numbered(people.filter(free), ["name", "pk"]), 20)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except EmptyPage:
            page = None
    return JsonResponse(
        {
            "results": [{"id": str(p.pk), "text": f"{p.name} ({p.masked_nik})"} for p in page or []],
            "pagination": {"more": bool(page and page.has_next())},
        }
    )
