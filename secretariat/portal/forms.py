"""The portal's forms: Django's own, bounded and with the member's password rules kept in the service."""

from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from pps_admin.security import BoundedUsernameMixin

from ..services.accounts import portal_password_set_by_member


class PortalLoginForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class MemberPasswordResetForm(PasswordResetForm):
    """Django's, with the field named as the page names it (Django's Indonesian says "Email")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Surel"


class MemberPasswordChangeForm(PasswordChangeForm):
    def save(self, commit=True):
        portal_password_set_by_member(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class MemberSetPasswordForm(SetPasswordForm):
    """The e-mailed link's form: the password set here is the member's own, so no second change."""

    def save(self, commit=True):
        portal_password_set_by_member(
            user=self.user, password=self.cleaned_data["new_password1"], by_email=True
        )
        return self.user
