from django.shortcuts import redirect
from django.urls import reverse

ALLOWED = ("portal:password_change", "portal:logout")


class PasswordChangeRequiredMiddleware:
    """Members logged in with a one-time password go to the password change page first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff:
            person = getattr(user, "person", None)
            if person is not None and person.must_change_password:
                if self._allowed is None:
                    self._allowed = {reverse(name) for name in ALLOWED}
                if request.path not in self._allowed and not request.path.startswith("/static/"):
                    return redirect("portal:password_change")
        return self.get_response(request)
