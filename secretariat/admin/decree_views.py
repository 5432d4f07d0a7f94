"""Staff pages for decrees: issue (with preview), progress, documents, retry, revoke, print bundle."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pps_admin.staff_pages import admin_context, file_download, require_perms

from ..job_messages import job_summary, report_retry, warn_if_not_dispatched
from ..models import (
    Decree,
    DecreeKind,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    ElectionPeriod,
    Office,
)
from ..office_admin import acting_office, office_choice_needed
from ..services import decrees as decree_services
from ..services.decree_coverage import uncovered_count
from ..services.decree_documents import decree_print_bundle
from ..services.decree_text import text_gaps
from ..services.document_jobs import document_download_name, job_overview, job_retry_signed
from ..services.office_seals import office_seal_missing
from ..services.petikan_receipts import receipt_counts
from ..services.revocation_stamp import dicabut_filename, revoked_copy, stamp_revoked
from ..services.signing import signing_needs_passphrase
from .decree_forms import IssueDecreeForm, RetryForm, RevokeDecreeForm


def _context(request, title, **extra):
    return admin_context(request, title, opts=Decree._meta, **extra)


def _issue_form(request, data, **kwargs) -> IssueDecreeForm:
    ask_office = office_choice_needed(request)
    form = IssueDecreeForm(data, ask_office=ask_office, **kwargs)
    if ask_office and data is None and request.GET.get("office"):
        form.fields["office"].initial = request.GET["office"]  # the page reloaded for another office
    return form


def _issuing_office(request, form: IssueDecreeForm) -> Office | None:
    """The office the form issues for: the user's own, or the superuser's choice (the submitted one, else
    the first offered)."""
    chosen = None
    if "office" in form.fields:
        field = form.fields["office"]
        raw = form.data.get("office") if form.is_bound else field.initial
        chosen = field.queryset.filter(pk=raw).first() if str(raw or "").isdigit() else None
        chosen = chosen or field.queryset.first()
    return acting_office(request, chosen)


@sensitive_post_parameters("passphrase")  # never in an error report
def issue_view(request):
    require_perms(request, "secretariat.add_decree")
    period = ElectionPeriod.current()
    form = _issue_form(request, request.POST or None)
    office = _issuing_office(request, form)
    if signing_needs_passphrase(office):  # the issuing office's signer types it (BSrE)
        form = _issue_form(request, request.POST or None, ask_passphrase=True)
    office_choices = None
    if "office" in form.fields:
        # Chosen above the form (a GET that shows that office's counts and warnings), carried in it hidden.
        office_choices = form.fields["office"].queryset
        form.fields["office"].widget = forms.HiddenInput()
        form.fields["office"].initial = office.pk
    if request.method == "POST" and form.is_valid():
        try:
            decrees = decree_services.decrees_issue_signed(
                decree_date=form.cleaned_data["decree_date"],
                user=request.user,
                passphrase=form.cleaned_data.get("passphrase"),
                office=office,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if not decrees:
                messages.info(
                    request, "Semua pengangkatan aktif sudah tercantum dalam SK; tidak ada SK baru."
                )
                return redirect("admin:secretariat_decree_changelist")
            # Replacements of decreed members get a PAW decree of their own, next to the main one.
            for decree in decrees:
                job = decree.jobs.get()  # fresh: made in this request, in-process tasks included
                messages.success(
                    request,
                    f"SK {decree.number}{_kind_note(decree)} diterbitkan untuk "
                    f"{decree.entries.count()} anggota; {job_summary(job) or 'dokumen sedang dibuat.'}",
                )
                warn_if_not_dispatched(request, job)
            if len(decrees) > 1:
                return redirect("admin:secretariat_decree_changelist")
            return redirect("admin:secretariat_decree_change", decrees[0].pk)
    uncovered = uncovered_count(period, office) if period else 0
    template = DecreeTemplate.active(office)
    return TemplateResponse(
        request,
        "admin/secretariat/decree/issue.html",
        _context(
            request,
            "Terbitkan SK Sekretariat PPS",
            form=form,
            uncovered=uncovered,
            period=period,
            text_gaps=text_gaps(template) if template else [],
            decree_template=template,
            issuing_office=office,
            office_choices=office_choices,
            signer_missing=template is not None and not template.signer_name.strip(),
            seal_missing=office_seal_missing(office),  # refused on issuing anyway; said before it
        ),
    )


def _kind_note(decree) -> str:
    return "" if decree.kind == DecreeKind.APPOINTMENT else f" ({decree.get_kind_display().lower()})"


def preview_view(request):
    """The Keputusan as it would be issued with the issue form's values (its "Pratinjau PDF" button
    submits the form here, in a new tab); a plain GET takes ?tanggal= and defaults to the form's date."""
    require_perms(request, "secretariat.view_decree")
    if request.method == "POST":
        form = _issue_form(request, request.POST)
    else:
        given = request.GET.get("tanggal") or request.GET.get("decree_date")
        data = {"decree_date": given or IssueDecreeForm.base_fields["decree_date"].initial}
        form = _issue_form(request, {**data, "office": request.GET.get("office", "")})
    if not form.is_valid() and "decree_date" in form.errors:
        return _plain_text_error("Tanggal ditetapkan belum diisi atau tidak valid. Isi tanggal SK dulu.")
    try:
        office = _issuing_office(request, form)
        pdf = decree_services.decree_preview_pdf(decree_date=form.cleaned_data["decree_date"], office=office)
    except ValidationError as exc:
        return _plain_text_error(" ".join(exc.messages))
    return file_download(pdf, "pratinjau-sk.pdf", as_attachment=False)


def _plain_text_error(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _decree(request, pk) -> Decree:
    """The decree, if it is of an office the user may see (another office's is a 404)."""
    decrees = Decree.objects.visible_to(request.user)
    return get_object_or_404(decrees.select_related("period", "created_by", "revoked_by"), pk=pk)


def detail_view(request, pk):
    require_perms(request, "secretariat.view_decree")
    decree = _decree(request, pk)
    job = decree.jobs.order_by("-created_at").first()
    documents = (
        Document.objects.filter(decree=decree)
        .select_related("appointment__person", "appointment__kelurahan", "receipt")
        .order_by("id")
    )
    return TemplateResponse(
        request,
        "admin/secretariat/decree/detail.html",
        _context(
            request,
            f"SK {decree.number}",
            decree=decree,
            original=decree,
            **job_overview(job),
            documents=documents,
            keputusan=documents.filter(kind=DocumentKind.KEPUTUSAN).first(),
            salinan=documents.filter(kind=DocumentKind.SALINAN).first(),
            entry_count=decree.entries.count(),
            receipts=receipt_counts(decree),
            can_change=request.user.has_perm("secretariat.change_decree"),
            retry_form=RetryForm(ask_passphrase=signing_needs_passphrase(decree.office)),
        ),
    )


def progress_view(request, pk):
    require_perms(request, "secretariat.view_decree")
    decree = _decree(request, pk)
    job = decree.jobs.order_by("-created_at").first()
    if job is None:
        raise Http404
    failed = list(decree.documents.filter(status=DocumentStatus.FAILED).values_list("id", "error")[:20])
    return JsonResponse({**job.progress(), "failed_documents": [{"id": i, "error": e} for i, e in failed]})


@sensitive_post_parameters("passphrase")
@require_POST
def retry_view(request, pk):
    require_perms(request, "secretariat.change_decree")
    decree = _decree(request, pk)
    form = RetryForm(request.POST, ask_passphrase=signing_needs_passphrase(decree.office))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("admin:secretariat_decree_change", decree.pk)
    passphrase = form.cleaned_data.get("passphrase")
    try:
        requeued = [job_retry_signed(job=job, passphrase=passphrase) for job in decree.jobs.all()]
    except ValidationError as exc:  # e.g. the office has no seal (any more): nothing was sent
        messages.error(request, " ".join(exc.messages))
    else:
        report_retry(request, requeued)
    return redirect("admin:secretariat_decree_change", decree.pk)


def revoke_view(request, pk):
    require_perms(request, "secretariat.change_decree")
    decree = _decree(request, pk)
    form = RevokeDecreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decree_services.decree_revoke(
                decree=decree,
                revoked_date=form.cleaned_data["revoked_date"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"SK {decree.number} dicabut. Terbitkan SK pengganti untuk anggota yang tercantum "
                "di dalamnya.",
            )
            return redirect("admin:secretariat_decree_change", decree.pk)
    return TemplateResponse(
        request,
        "admin/secretariat/decree/revoke.html",
        _context(request, f"Cabut SK {decree.number}", decree=decree, original=decree, form=form),
    )


def _document_download(document: Document, *, as_attachment: bool):
    """The stored PDF; a document of a revoked decree is served stamped DICABUT (the file stays as issued)."""
    path = Path(document.file.path)
    if not path.is_file():
        raise Http404
    filename = document_download_name(document)
    stamped = revoked_copy(document)
    if stamped is not None:
        return file_download(stamped, dicabut_filename(filename), as_attachment=as_attachment)
    return file_download(path, filename, as_attachment=as_attachment)


def document_view(request, public_id):
    require_perms(request, "secretariat.view_decree")
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("decree"),
        public_id=public_id,
        status=DocumentStatus.DONE,
    )
    return _document_download(document, as_attachment=request.GET.get("unduh") == "1")


def bundle_view(request, pk):
    """All Petikan of the decree in one PDF, in lampiran order, for printing before the ceremony."""
    require_perms(request, "secretariat.view_decree")
    decree = _decree(request, pk)
    data = decree_print_bundle(decree)
    if data is None:
        messages.error(request, "Bundel cetak tersedia setelah semua petikan selesai dibuat.")
        return redirect("admin:secretariat_decree_change", decree.pk)
    filename = f"bundel-petikan-{decree.year}-{decree.sequence}.pdf"
    if decree.is_revoked:
        data, filename = stamp_revoked(data, decree=decree), dicabut_filename(filename)
    return file_download(data, filename)
