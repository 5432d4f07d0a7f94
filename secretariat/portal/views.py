"""The member portal: log in, see your own assignment, download your own documents, nothing else."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache

from pps_admin.mail import email_can_be_sent
from pps_admin.staff_pages import file_download

from ..models import Document, DocumentKind, DocumentStatus
from ..services.revocation_stamp import dicabut_filename, revoked_copy
from .forms import MemberPasswordChangeForm, MemberPasswordResetForm, MemberSetPasswordForm, PortalLoginForm
from .selectors import member_overview


def _person(request):
    """The logged-in member's Person, or 404 (staff without a Person have no portal page)."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


@never_cache
def home(request):
    if not request.user.is_authenticated:
        return redirect("portal:login")
    if request.user.is_staff and getattr(request.user, "person", None) is None:
        return redirect("admin:index")
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "portal/no_assignment.html", status=200)
    return render(request, "portal/home.html", {"overview": member_overview(person)})


@login_required
@never_cache
def document_download(request, public_id):
    """A member's own Petikan or pact PDF. Anything else, including another member's file, is a 404."""
    person = _person(request)
    document = get_object_or_404(
        Document.objects.select_related("appointment", "decree"),
        public_id=public_id,
        status=DocumentStatus.DONE,
        appointment__person=person,
        kind__in=[DocumentKind.PETIKAN, DocumentKind.PAKTA],
    )
    path = Path(document.file.path)
    if not path.is_file():
        raise Http404
    stamped = revoked_copy(document)  # a Petikan of a revoked decree: marked DICABUT, the file as issued
    if stamped is not None:
        return file_download(stamped, dicabut_filename(path.name))
    return file_download(path, path.name)


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    form_class = PortalLoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    form_class = MemberPasswordChangeForm
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Sandi berhasil diganti.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    form_class = MemberSetPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail, offered only where e-mail can be sent (EMAIL_HOST in production)."""

    template_name = "portal/password_reset.html"
    form_class = MemberPasswordResetForm
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(email_available=email_can_be_sent(), **kwargs)

    def post(self, request, *args, **kwargs):
        if not email_can_be_sent():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)
