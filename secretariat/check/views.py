"""The public check page: what the office issued under a check code, and whether a file is that document.

No login and no cookie (no session, no CSRF token: the upload changes nothing, so there is no request to
forge), never indexed by search engines, rate-limited per client address. An unknown or malformed code
gets the site's plain 404 page, the same for every code.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..check_code import grouped, parse_check_code
from ..services.letterhead import deployment_letterhead, letterhead_of_text, office_letterhead
from ..services.verification import (
    check_path,
    document_by_code,
    document_facts,
    document_status,
    file_check,
    file_check_any,
)
from .forms import FileCheckForm, upload_too_large_message
from .throttle import over_limit

# The multipart envelope around the largest file accepted.
_ENVELOPE_BYTES = 64 * 1024


def _response(request, template, context, *, status=200):
    context = {
        "site_url": settings.SITE_URL,
        "max_size": filesizeformat(settings.CHECK_UPLOAD_MAX_BYTES),
        **context,
    }
    response = render(request, template, context, status=status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


def _limited(request):
    return _response(
        request,
        "check/limited.html",
        {"letterhead": deployment_letterhead(), "window": settings.CHECK_RATE_WINDOW_SECONDS},
        status=429,
    )


def _letterhead_of(document):
    """The letterhead the document was printed under: its decree's snapshot, its attendance sheet's
    content, else its office's (every document's job names the office that made it)."""
    if document.decree is not None:
        return letterhead_of_text(document.decree.text, document.decree.office)
    sheet = getattr(document, "attendance_sheet", None)  # the integrity app's, by its reverse relation
    if sheet is not None and "letterhead" in sheet.content:
        return sheet.content["letterhead"]
    return office_letterhead(document.job.office)


def _uploaded(request):
    """The bound upload form of a POST, or an unbound one; a body far beyond the limit is refused before
    it is read."""
    if request.method != "POST":
        return FileCheckForm()
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.CHECK_UPLOAD_MAX_BYTES + _ENVELOPE_BYTES:
        form = FileCheckForm(data={})
        form.full_clean()
        form.errors["berkas"] = form.error_class([upload_too_large_message()])
        return form
    form = FileCheckForm(request.POST, request.FILES)
    form.is_valid()
    return form


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_document(request, code):
    if over_limit(request):
        return _limited(request)
    document = document_by_code(code)
    if document is None:
        raise Http404
    form = _uploaded(request)
    result = file_check(document, form.digest) if form.is_bound and form.is_valid() else None
    letterhead = _letterhead_of(document)
    return _response(
        request,
        "check/document.html",
        {
            "letterhead": letterhead,
            "facts": document_facts(document),
            "office_name": document.job.office.name,
            "status": document_status(document),
            "form": form,
            "result": result,
            "other_path": check_path(result.other) if result and result.other else "",
            "revoked_downloads_note": bool(document.decree and document.decree.is_revoked),
        },
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_index(request):
    """Type a check code, or drop a PDF to learn whether the office issued it."""
    if over_limit(request):
        return _limited(request)
    code_error = ""
    if "kode" in request.GET:
        code = parse_check_code(request.GET["kode"])
        if code is not None:
            return redirect("check:document", code=grouped(code))
        code_error = (
            "Kode cek terdiri atas 12 huruf dan angka, mis. K7QM-3XPA-9DTR (tanda hubung boleh "
            "ditulis atau tidak)."
        )
    form = _uploaded(request)
    found, checked = None, False
    if form.is_bound and form.is_valid():
        checked = True
        found = file_check_any(form.digest)
    return _response(
        request,
        "check/index.html",
        {
            "letterhead": deployment_letterhead(),
            "form": form,
            "checked": checked,
            "found_path": check_path(found) if found else "",
            "code_error": code_error,
            "typed_code": request.GET.get("kode", "")[:40],
        },
    )
