"""E-mail when no mail server is configured in production.

Django's console backend would print every message, with its password-reset link, the member's name,
username and address, into the server log. Outside DEBUG, without EMAIL_HOST, this backend sends nothing and
logs only that something was not sent; a system check says so at start-up and the portal offers no e-mail
reset.
"""

import logging

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)

UNCONFIGURED_BACKEND = "pps_admin.mail.UnconfiguredEmailBackend"


class UnconfiguredEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if email_messages:
            # Never the content, recipients or subject: they are personal data and secrets.
            log.warning("%d e-mail tidak dikirim: EMAIL_HOST belum diatur.", len(email_messages))
        return 0


def email_can_be_sent() -> bool:
    return settings.EMAIL_BACKEND != UNCONFIGURED_BACKEND
