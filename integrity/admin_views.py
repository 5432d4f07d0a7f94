"""Staff pages for pacts: dashboard, generation, print bundle, attendance sheet, recording signatures."""

from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from secretariat.job_messages import job_summary, report_retry, warn_if_not_dispatched
from secretariat.models import DocumentStatus, GenerationJob, JobKind
from secretariat.services.document_jobs import job_overview, job_retry

from .forms import RecordSignatureForm, ScanForm, SignForm
from .models import Ceremony, Pact, PactStatus
from .selectors import signing_dashboard
from .services import pacts as pact_services
from .services.documents import attendance_sheet_pdf, pacts_bundle


def _require(request, *perms):
    if not request.user.has_perms([f"integrity.{perm}" for perm in perms]):
        raise PermissionDenied


def _context(request, title, **extra):
    return {
        **admin.site.each_context(request),
        "title": title,
        "opts": Pact._meta,
        **extra,
    }


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dashboard_view(request):
    _require(request, "view_pact")
    job = GenerationJob.objects.filter(kind=JobKind.PAKTA).order_by("-created_at").first()
    return TemplateResponse(
        request,
        "admin/integrity/dashboard.html",
        _context(
            request,
            "Dasbor pakta integritas",
            dashboard=signing_dashboard(page=request.GET.get("p", 1)),
            **job_overview(job),
            ceremony=Ceremony.objects.order_by("-date").first(),
        ),
    )


def job_progress_view(request, job_id):
    """Progress of a pact generation job, polled by the dashboard's progress bar."""
    _require(request, "view_pact")
    job = get_object_or_404(GenerationJob, pk=job_id, kind=JobKind.PAKTA)
    return JsonResponse(job.progress())


@require_POST
def job_retry_view(request, job_id):
    """The dashboard's retry: the job's failed pact PDFs, and those stalled (their tasks were lost)."""
    _require(request, "change_pact")
    job = get_object_or_404(GenerationJob, pk=job_id, kind=JobKind.PAKTA)
    report_retry(request, [job_retry(job=job)])
    return redirect("admin:integrity_dashboard")


@require_POST
def generate_view(request):
    _require(request, "add_pact", "change_pact")
    try:
        job = pact_services.pacts_generate(user=request.user)
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
    _require(request, "view_pact")
    active = Pact.objects.filter(appointment__end_date__isnull=True)
    ready = active.filter(document__status=DocumentStatus.DONE)
    if request.method != "POST":
        counts = active.aggregate(
            total=Count("pk"),
            ready=Count("pk", filter=Q(document__status=DocumentStatus.DONE)),
            to_mark=Count(
                "pk", filter=Q(document__status=DocumentStatus.DONE, status=PactStatus.NOT_PRINTED)
            ),
        )
        if not counts["ready"]:
            messages.error(request, "Belum ada PDF pakta yang selesai dibuat.")
            return redirect("admin:integrity_dashboard")
        return TemplateResponse(
            request,
            "admin/integrity/pact/bundle.html",
            _context(
                request,
                "Bundel cetak pakta integritas",
                ready_count=counts["ready"],
                waiting_count=counts["total"] - counts["ready"],
                to_mark_count=counts["to_mark"],
                marks=request.user.has_perm("integrity.change_pact"),
            ),
        )
    # Only the pacts whose PDF is in the bundle are printed (not those still being generated).
    pacts = list(ready.select_related("appointment", "document"))
    data = pacts_bundle(pacts)
    if data is None:
        messages.error(request, "Belum ada PDF pakta yang selesai dibuat.")
        return redirect("admin:integrity_dashboard")
    if request.user.has_perm("integrity.change_pact"):
        pact_services.pacts_mark_printed(pacts=pacts, user=request.user)
    return _pdf(data, "bundel-pakta-integritas.pdf")


def attendance_view(request, pk):
    _require(request, "view_ceremony")
    ceremony = get_object_or_404(Ceremony, pk=pk)
    return _pdf(attendance_sheet_pdf(ceremony), f"daftar-hadir-{ceremony.date:%Y%m%d}.pdf")


def bulk_sign_view(request, queryset):
    """Second step of the "mark signed" action: the date and place, defaulting to the ceremony's."""
    ceremony = Ceremony.objects.order_by("-date").first()
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
        initial = {"signed_date": ceremony.date, "signed_place": ceremony.place} if ceremony else {}
        form = SignForm(initial=initial)
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


def _pact(pk) -> Pact:
    return get_object_or_404(
        Pact.objects.select_related(
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
    _require(request, "view_pact")
    pact = _pact(pk)
    can_change = request.user.has_perm("integrity.change_pact")
    form_class = ScanForm if pact.status == PactStatus.SIGNED else RecordSignatureForm
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                _record_signature(request, pact, form.cleaned_data)
            except ValidationError as exc:
                form.add_error("scan" if "scan" in form.fields else None, " ".join(exc.messages))
            else:
                return redirect(reverse("admin:integrity_pact_change", args=[pact.pk]))
    else:
        initial = {}
        if pact.ceremony:
            initial = {"signed_date": pact.ceremony.date, "signed_place": pact.ceremony.place}
        form = form_class(initial=initial)
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


def _record_signature(request, pact, data):
    from django.db import transaction

    with transaction.atomic():
        if "signed_date" in data:
            pact_services.pacts_mark_signed(
                pacts=[pact],
                signed_date=data["signed_date"],
                signed_place=data["signed_place"],
                user=request.user,
            )
        if data.get("scan"):
            pact_services.pact_attach_scan(pact=pact, upload=data["scan"], user=request.user)
    messages.success(
        request, "Tanda tangan dan pindaian dicatat." if data.get("scan") else "Tanda tangan dicatat."
    )


def scan_download_view(request, pk):
    _require(request, "view_pact")
    pact = _pact(pk)
    if not pact.scan:
        raise Http404
    return FileResponse(pact.scan.open("rb"), as_attachment=True, filename=Path(pact.scan.name).name)


def pact_pdf_view(request, pk):
    _require(request, "view_pact")
    pact = _pact(pk)
    if not pact.document_id or pact.document.status != DocumentStatus.DONE:
        raise Http404
    return FileResponse(
        open(pact.document.file.path, "rb"),
        filename=Path(pact.document.file.name).name,
        content_type="application/pdf",
    )
