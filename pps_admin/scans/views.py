"""The staff pages of an intake of scanned pages: upload, the reading's progress (the page reloads itself)
then the preview and its confirm form, and the outcome. One template (admin/scan_intake.html) for every
intake; each intake says what differs in an IntakePages."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..staff_pages import admin_context, require_perms
from .results import IntakeOutcome, IntakePreview

REFRESH_SECONDS = 2


@dataclass(frozen=True)
class IntakePages:
    perms: tuple[str, ...]
    title: str
    opts: object  # the model's _meta, for the admin's breadcrumbs and app list
    url_names: tuple[str, str, str]  # upload, status (with token), confirm
    pages_template: str  # the table of pages (its columns name what a page was matched to)
    # "matched" (preview heading), "intro", "submit" (button), "done", "listed" (messages), formatted with
    # {count}; "attached"/"listed_heading" (outcome headings)
    texts: dict
    upload_form: type
    confirm_form: type
    upload: Callable  # (uploads=, session=) -> token
    preview: Callable  # (token=, session=) -> IntakePreview
    confirm_initial: Callable  # (IntakePreview) -> dict, without the token
    confirm: Callable  # (request, cleaned_data) -> IntakeOutcome


def _page(request, pages: IntakePages, *, form, preview=None, confirm_form=None, outcome=None):
    upload, _, confirm = pages.url_names
    return TemplateResponse(
        request,
        "admin/scan_intake.html",
        admin_context(
            request,
            pages.title,
            opts=pages.opts,
            form=form,
            preview=preview,
            confirm_form=confirm_form,
            outcome=outcome,
            refresh_seconds=REFRESH_SECONDS,
            pages_template=pages.pages_template,
            texts=pages.texts,
            upload_url=reverse(f"admin:{upload}"),
            confirm_url=reverse(f"admin:{confirm}"),
            submit_label=pages.texts["submit"].format(count=len(preview.matched)) if preview else "",
        ),
    )


def upload_view(request, pages: IntakePages):
    """GET: the upload form. POST: the pages kept for a worker to read, then the page that follows it."""
    require_perms(request, *pages.perms)
    if request.method != "POST":
        return _page(request, pages, form=pages.upload_form())
    form = pages.upload_form(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, pages, form=form)
    try:
        token = pages.upload(uploads=form.cleaned_data["scans"], session=request.session)
    except ValidationError as exc:
        form.add_error("scans", " ".join(exc.messages))
        return _page(request, pages, form=form)
    return redirect(f"admin:{pages.url_names[1]}", token=token)


def status_view(request, token: str, pages: IntakePages):
    """While the worker reads: how far it is. Then the preview and the confirm form, or why the pages
    could not be read."""
    require_perms(request, *pages.perms)
    try:
        preview: IntakePreview = pages.preview(token=token, session=request.session, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"admin:{pages.url_names[0]}")
    confirm_form = None
    if preview.token:
        confirm_form = pages.confirm_form(initial={**pages.confirm_initial(preview), "token": preview.token})
    return _page(request, pages, form=pages.upload_form(), preview=preview, confirm_form=confirm_form)


def confirm_view(request, pages: IntakePages):
    """POST only: store the previewed pages that still match; list the others."""
    require_perms(request, *pages.perms)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    confirm_form = pages.confirm_form(request.POST)
    try:
        if not confirm_form.is_valid():
            token = request.POST.get("token", "")
            preview = pages.preview(token=token, session=request.session, user=request.user)
            return _page(request, pages, form=pages.upload_form(), preview=preview, confirm_form=confirm_form)
        outcome: IntakeOutcome = pages.confirm(request, confirm_form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"admin:{pages.url_names[0]}")
    messages.success(request, pages.texts["done"].format(count=len(outcome.attached)))
    if outcome.problems:
        messages.warning(request, pages.texts["listed"].format(count=len(outcome.problems)))
    return _page(request, pages, form=pages.upload_form(), outcome=outcome)
