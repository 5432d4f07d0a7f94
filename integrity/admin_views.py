"""Staff pages for pacts: dashboard, generation, print bundle, attendance sheet, recording signatures."""

from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pps_admin.staff_pages import admin_context, file_download, require_perms
from secretariat.job_messages import job_summary, report_retry, warn_if_not_dispatched
from secretariat.models import DocumentStatus, GenerationJob, JobKind, Office, OfficeKind
from secretariat.office_admin import acting_office, office_choice_needed
from secretariat.services.document_jobs import job_overview, job_retry_signed
from secretariat.services.signing import signing_needs_passphrase

from .forms import GeneratePactsForm, PactRetryForm, RecordSignatureForm, ScanForm, SignForm
from .models import Ceremony, Pact, PactStatus
from .selectors import signing_dashboard
from .services import pacts as pact_services
from .services.documents import attendance_sheet_pdf


def _context(request, title, **extra):
    return admin_context(request, title, opts=Pact._meta, **extra)


def _office_choices(request):
    """The offices a superuser of several offices picks from (none for everybody else)."""
    return Office.objects.filter(kind=OfficeKind.REGENCY) if office_choice_needed(request) else None


def _acting_office(request) -> Office:
    """The office whose pacts this request makes or prints: the user's own, or the superuser's pick."""
    chosen = None
    choices = _office_choices(request)
    if choices is not None:
        raw = request.POST.get("office") or request.GET.get("office") or ""
        chosen = choices.filter(pk=raw).first() if raw.isdigit() else None
        if chosen is None:
            raise ValidationError("Pilih kantor KPU yang pakta integritasnya dibuat atau dicetak.")
    return acting_office(request, chosen)


def _asks_passphrase(request) -> bool:
    """Whether the dashboard's forms ask for the signer's passphrase: when the acting office signs with
    BSrE (a superuser who has not chosen an office yet: when any office might)."""
    try:
        office = _acting_office(request)
    except (ValidationError, PermissionDenied):
        office = None
    return signing_needs_passphrase(office)


def _latest_ceremony(request):
    return Ceremony.objects.visible_to(request.user).order_by("-date").first()


def dashboard_view(request):
    require_perms(request, "integrity.view_pact")
    jobs = GenerationJob.objects.visible_to(request.user).filter(kind=JobKind.PAKTA)
    job = jobs.order_by("-created_at").first()
    return TemplateResponse(
        request,
        "admin/integrity/dashboard.html",
        _context(
            request,
            "Dasbor pakta integritas",
            dashboard=signing_dashboard(page=request.GET.get("p", 1), user=request.user),
            **job_overview(job),
            ceremony=_latest_ceremony(request),
            generate_form=GeneratePactsForm(ask_passphrase=_asks_passphrase(request), auto_id="generate-%s"),
            retry_form=PactRetryForm(ask_passphrase=signing_needs_passphrase(job.office) if job else False),
            office_choices=_office_choices(request),
        ),
    )


def job_progress_view(request, job_id):
    """Progress of a pact generation job, polled by the dashboard's progress bar."""
    require_perms(request, "integrity.view_pact")
    job = get_object_or_404(GenerationJob.objects.visible_to(request.user), pk=job_id, kind=JobKind.PAKTA)
    return JsonResponse(job.progress())


def _form_errors(request, form) -> bool:
    """Whether the form is invalid, its errors shown as messages (the dashboard's forms are one line)."""
    if form.is_valid():
        return False
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return True


@sensitive_post_parameters("passphrase")  # never in an error report
@require_POST
def job_retry_view(request, job_id):
    """The dashboard's retry: the job's failed pact PDFs, and those stalled (their tasks were lost); under
    BSrE with the passphrase typed again."""
    require_perms(request, "integrity.change_pact")
    job = get_object_or_404(GenerationJob.objects.visible_to(request.user), pk=job_id, kind=JobKind.PAKTA)
    form = PactRetryForm(request.POST, ask_passphrase=signing_needs_passphrase(job.office))
    if not _form_errors(request, form):
        try:
            requeued = job_retry_signed(job=job, passphrase=form.cleaned_data.get("passphrase"))
        except ValidationError as exc:  # e.g. the office has no seal (any more): nothing was sent
            messages.error(request, " ".join(exc.messages))
        else:
            report_retry(request, [requeued])
    return redirect("admin:integrity_dashboard")


@sensitive_post_parameters("passphrase")
@require_POST
def generate_view(request):
    require_perms(request, "integrity.add_pact", "integrity.change_pact")
    try:
        office = _acting_office(request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:integrity_dashboard")
    form = GeneratePactsForm(request.POST, ask_passphrase=signing_needs_passphrase(office))
    if _form_errors(request, form):
        return redirect("admin:integrity_dashboard")
    try:
        job = pact_services.pacts_generate(
            user=request.user, office=office, passphrase=form.cleaned_data.get("passphrase")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job is None:
            messages.info(request, "Semua anggota aktif sudah punya PDF pakta.")
        else:
            job.refresh_from_db()  # in-process tasks have run and changed it since it was created
            summary = job_summary(job)
            messages.success(
                request,
                f"PDF pakta integritas: {summary}"
                if summary
                else f"{job.total} PDF pakta integritas sedang dibuat.",
            )
            warn_if_not_dispatched(request, job)
    return redirect("admin:integrity_dashboard")


def bundle_view(request):
    """GET: what the print bundle holds and what downloading it will mark (nothing changes yet).
    POST: the bundle itself; for staff who may change pacts, its pacts become "dicetak"."""
    require_perms(request, "integrity.view_pact")
    marks = request.user.has_perm("integrity.change_pact")
    try:
        office = _acting_office(request)
        if request.method == "POST":
            data = pact_services.pact_bundle_print(office=office, mark_printed=marks, user=request.user)
            return file_download(data, "bundel-pakta-integritas.pdf")
        counts = pact_services.pact_bundle_counts(office=office)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:integrity_dashboard")
    return TemplateResponse(
        request,
        "admin/integrity/pact/bundle.html",
        _context(
            request,
            "Bundel cetak pakta integritas",
            ready_count=counts.ready,
            waiting_count=counts.waiting,
            to_mark_count=counts.to_mark,
            marks=marks,
            bundle_office=office,
            office_choices=_office_choices(request),
        ),
    )


def attendance_view(request, pk):
    require_perms(request, "integrity.view_ceremony")
    ceremony = get_object_or_404(Ceremony.objects.visible_to(request.user), pk=pk)
    # A record since issue #16: stored with its check code; the same content serves the same record.
    try:
        data = attendance_sheet_pdf(ceremony, user=request.user)
    except ValidationError as exc:  # the office has no seal to sign it with: nothing was made
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:integrity_ceremony_change", ceremony.pk)
    return file_download(data, f"daftar-hadir-{ceremony.date:%Y%m%d}.pdf")


def bulk_sign_view(request, queryset):
    """Second step of the "mark signed" action: the date and place, defaulting to the latest ceremony's."""
    if "apply" in request.POST:
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                count = pact_services.pacts_mark_signed(
                    pacts=list(queryset), user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, f"{count} pakta ditandai sudah ditandatangani.")
                return None
    else:
        form = SignForm(initial=pact_services.signing_defaults(_latest_ceremony(request)))
    return TemplateResponse(
        request,
        "admin/integrity/pact/bulk_sign.html",
        _context(
            request,
            "Tandai sudah ditandatangani",
            form=form,
            pacts=queryset,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        ),
    )


def _pact(request, pk) -> Pact:
    """The pact, if it is one of the user's office(s); another office's is a 404."""
    return get_object_or_404(
        Pact.objects.visible_to(request.user).select_related(
            "appointment__person",
            "appointment__kelurahan__kecamatan",
            "text",
            "ceremony",
            "document",
            "recorded_by",
        ),
        pk=pk,
    )


def pact_detail_view(request, pk):
    require_perms(request, "integrity.view_pact")
    pact = _pact(request, pk)
    can_change = request.user.has_perm("integrity.change_pact")
    form_class = ScanForm if pact.status == PactStatus.SIGNED else RecordSignatureForm
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                pact_services.pact_signature_record(pact=pact, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("scan" if "scan" in form.fields else None, " ".join(exc.messages))
            else:
                scanned = form.cleaned_data.get("scan")
                messages.success(
                    request, "Tanda tangan dan pindaian dicatat." if scanned else "Tanda tangan dicatat."
                )
                return redirect(reverse("admin:integrity_pact_change", args=[pact.pk]))
    else:
        form = form_class(initial=pact_services.signing_defaults(pact.ceremony))
    return TemplateResponse(
        request,
        "admin/integrity/pact/detail.html",
        _context(
            request,
            f"Pakta integritas {pact.appointment.person.name}",
            pact=pact,
            original=pact,
            form=form,
            can_change=can_change,
        ),
    )


def scan_download_view(request, pk):
    require_perms(request, "integrity.view_pact")
    pact = _pact(request, pk)
    if not pact.scan:
        raise Http404
    return file_download(pact.scan.open("rb"), Path(pact.scan.name).name)


def pact_pdf_view(request, pk):
    require_perms(request, "integrity.view_pact")
    pact = _pact(request, pk)
    if not pact.document_id or pact.document.status != DocumentStatus.DONE:
        raise Http404
    path = Path(pact.document.file.path)
    return file_download(path, path.name, as_attachment=False)
