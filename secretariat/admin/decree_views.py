"""Staff pages for decrees: issue (with preview), progress, documents, retry, revoke, print bundle."""

from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ..models import (
    Decree,
    DecreeKind,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    ElectionPeriod,
)
from ..services import decrees as decree_services
from ..services.decree_text import text_gaps
from ..services.documents import Requeued, decree_print_bundle, job_overview
from ..services.revocation_stamp import dicabut_filename, revoked_copy, stamp_revoked
from ..services.signing import decrees_issue_signed, job_retry_signed, signing_needs_passphrase
from .decree_forms import IssueDecreeForm, RetryForm, RevokeDecreeForm


def _require(request, *perms):
    if not request.user.has_perms([f"secretariat.{perm}" for perm in perms]):
        raise PermissionDenied


def _context(request, title, **extra):
    return {
        **admin.site.each_context(request),
        "title": title,
        "opts": Decree._meta,
        **extra,
    }


@sensitive_post_parameters("passphrase")  # never in an error report
def issue_view(request):
    _require(request, "add_decree")
    period = ElectionPeriod.current()
    form = IssueDecreeForm(request.POST or None, ask_passphrase=signing_needs_passphrase())
    if request.method == "POST" and form.is_valid():
        try:
            decrees = decrees_issue_signed(
                decree_date=form.cleaned_data["decree_date"],
                user=request.user,
                passphrase=form.cleaned_data.get("passphrase"),
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
    uncovered = decree_services.uncovered_count(period) if period else 0
    template = DecreeTemplate.active()
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
        ),
    )


def _kind_note(decree) -> str:
    return "" if decree.kind == DecreeKind.APPOINTMENT else f" ({decree.get_kind_display().lower()})"


def job_summary(job) -> str | None:
    """How the documents came out when they were made inside the request (tasks in-process, as in
    `make run`); None while a worker is still making them. `job` must be freshly loaded."""
    progress = job.progress()
    if progress["status"] not in ("done", "failed"):
        return None
    summary = f"{progress['done']} dari {progress['total']} dokumen selesai dibuat."
    if progress["failed"]:
        summary += f" {progress['failed']} gagal: lihat daftar dokumen dan pakai “Coba lagi”."
    return summary


def report_retry(request, requeued: list[Requeued]) -> None:
    """Tell staff what a retry put back in the queue."""
    failed = sum(r.failed for r in requeued)
    stalled = sum(r.stalled for r in requeued)
    parts = [f"{failed} dokumen yang gagal"] if failed else []
    if stalled:
        parts.append(
            f"{stalled} dokumen yang macet (tidak bergerak lebih dari {settings.STUCK_JOB_MINUTES} menit)"
        )
    if parts:
        messages.success(request, " dan ".join(parts) + " dijadwalkan ulang.")
    elif any(r.sent for r in requeued):
        messages.success(request, "Pekerjaan yang macet dikirim ulang; tidak ada dokumen yang perlu dibuat.")
    else:
        messages.info(request, "Tidak ada dokumen yang gagal atau macet; tidak ada yang dijadwalkan ulang.")


def warn_if_not_dispatched(request, job) -> None:
    """`job` must be freshly loaded."""
    if job.dispatched_at is None and job.status == "queued":
        messages.warning(
            request,
            "Antrean pembuatan dokumen sedang tidak dapat dihubungi. Pekerjaan sudah tersimpan dan akan "
            "dikirim otomatis begitu antrean tersedia kembali; tidak perlu mengulang.",
        )


def preview_view(request):
    """The Keputusan as it would be issued with the issue form's values (its "Pratinjau PDF" button
    submits the form here, in a new tab); a plain GET takes ?tanggal= and defaults to the form's date."""
    _require(request, "view_decree")
    if request.method == "POST":
        form = IssueDecreeForm(request.POST)
    else:
        given = request.GET.get("tanggal") or request.GET.get("decree_date")
        form = IssueDecreeForm({"decree_date": given or IssueDecreeForm.base_fields["decree_date"].initial})
    if not form.is_valid():
        return _plain_text_error("Tanggal ditetapkan belum diisi atau tidak valid. Isi tanggal SK dulu.")
    try:
        pdf = decree_services.decree_preview_pdf(decree_date=form.cleaned_data["decree_date"])
    except ValidationError as exc:
        return _plain_text_error(" ".join(exc.messages))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pratinjau-sk.pdf"'
    return response


def _plain_text_error(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _decree(pk) -> Decree:
    return get_object_or_404(Decree.objects.select_related("period", "created_by", "revoked_by"), pk=pk)


def detail_view(request, pk):
    _require(request, "view_decree")
    decree = _decree(pk)
    job = decree.jobs.order_by("-created_at").first()
    documents = (
        Document.objects.filter(decree=decree)
        .select_related("appointment__person", "appointment__kelurahan")
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
            can_change=request.user.has_perm("secretariat.change_decree"),
            retry_form=RetryForm(ask_passphrase=signing_needs_passphrase()),
        ),
    )


def progress_view(request, pk):
    _require(request, "view_decree")
    decree = _decree(pk)
    job = decree.jobs.order_by("-created_at").first()
    if job is None:
        raise Http404
    failed = list(decree.documents.filter(status=DocumentStatus.FAILED).values_list("id", "error")[:20])
    return JsonResponse({**job.progress(), "failed_documents": [{"id": i, "error": e} for i, e in failed]})


@sensitive_post_parameters("passphrase")
@require_POST
def retry_view(request, pk):
    _require(request, "change_decree")
    decree = _decree(pk)
    form = RetryForm(request.POST, ask_passphrase=signing_needs_passphrase())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("admin:secretariat_decree_change", decree.pk)
    passphrase = form.cleaned_data.get("passphrase")
    report_retry(request, [job_retry_signed(job=job, passphrase=passphrase) for job in decree.jobs.all()])
    return redirect("admin:secretariat_decree_change", decree.pk)


def revoke_view(request, pk):
    _require(request, "change_decree")
    decree = _decree(pk)
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


def _file_response(document: Document, *, as_attachment: bool) -> HttpResponse:
    """The stored PDF; a document of a revoked decree is served stamped DICABUT (the file stays as issued)."""
    path = Path(document.file.path)
    if not path.is_file():
        raise Http404
    names = {DocumentKind.KEPUTUSAN: "keputusan", DocumentKind.SALINAN: "salinan-keputusan"}
    filename = (
        f"{names[document.kind]}-{document.decree.year}-{document.decree.sequence}.pdf"
        if document.kind in names
        else path.name
    )
    stamped = revoked_copy(document)
    if stamped is not None:
        return _pdf_response(stamped, dicabut_filename(filename), as_attachment=as_attachment)
    return FileResponse(
        path.open("rb"), as_attachment=as_attachment, filename=filename, content_type="application/pdf"
    )


def _pdf_response(data: bytes, filename: str, *, as_attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def document_view(request, public_id):
    _require(request, "view_decree")
    document = get_object_or_404(
        Document.objects.select_related("decree"), public_id=public_id, status=DocumentStatus.DONE
    )
    return _file_response(document, as_attachment=request.GET.get("unduh") == "1")


def bundle_view(request, pk):
    """All Petikan of the decree in one PDF, in lampiran order, for printing before the ceremony."""
    _require(request, "view_decree")
    decree = _decree(pk)
    data = decree_print_bundle(decree)
    if data is None:
        messages.error(request, "Bundel cetak tersedia setelah semua petikan selesai dibuat.")
        return redirect("admin:secretariat_decree_change", decree.pk)
    filename = f"bundel-petikan-{decree.year}-{decree.sequence}.pdf"
    if decree.is_revoked:
        data, filename = stamp_revoked(data, decree=decree), dicabut_filename(filename)
    return _pdf_response(data, filename, as_attachment=True)
