"""A Content Security Policy for every response: scripts and styles only from this site, no framing.

Django 5.2 has no built-in CSP; this one header is all the project needs. Inline styles stay allowed
(progress bar widths, admin widgets); inline scripts and any third-party origin are refused.
"""

from axes import helpers as axes_helpers
from axes.models import AccessAttempt
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from .text import validate_single_line

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RejectNulInQueryMiddleware:
    """A NUL character in a query parameter (?q=%00) reached PostgreSQL, which refuses it with an error
    (a 500): no URL of this site has a use for one, so such a request is answered 400 straight away.
    Posted forms need no such guard: every text field refuses NUL with a form error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return HttpResponseBadRequest(
                    "Alamat berisi karakter yang tidak sah.", content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)


class BoundedUsernameMixin:
    """For login forms (portal and admin).

    AuthenticationForm sets the username's max_length after the field is built, so it is shown but never
    checked: a 100,000-character username went on to django-axes, whose 255-character column refused it (a
    500). Checked here, with the free-text rule, before anything is authenticated.

    Django's Indonesian catalogue writes "Masukkan nama pengguna %(username)s ...", and %(username)s is the
    field's label, "nama pengguna", again; so the login error is worded here.
    """

    login_error = "Nama pengguna atau sandi salah. Huruf besar dan kecil dibedakan."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators += [MaxLengthValidator(field.max_length or 150), validate_single_line]
        self.error_messages = {**self.error_messages, "invalid_login": self.login_error}


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): says what is locked and until when.

    The lock is on a username *from one address* (AXES_LOCKOUT_PARAMETERS), not on the account: the same
    person can still log in from another network, and others are not affected.
    """
    username = axes_helpers.get_client_username(request, credentials) or ""
    cool_off = axes_helpers.get_cool_off(request)
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=getattr(request, "axes_ip_address", None))
        .order_by("-attempt_time")
        .first()
    )
    retry_at = None
    if cool_off and attempt is not None:
        retry_at = timezone.localtime(attempt.attempt_time + cool_off)
    context = {
        "username": username,
        "failure_limit": axes_helpers.get_failure_limit(request, credentials),
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "retry_at": retry_at,
        # Staff reset their password through a superuser, members through staff (one-time password).
        "staff_login": request.path.startswith("/admin/"),
    }
    return render(request, "portal/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
