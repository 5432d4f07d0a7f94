"""Staff see the admin's times on their own office's clock (WIB, WITA or WIT: Office.time_zone), so that a
history entry of KIP Kota Banda Aceh reads 19.51 where Balikpapan's reads 20.51 for the same moment.
Staff of no office (a superuser) see the deployment's TIME_ZONE."""

from django.utils import timezone

from .models.scoping import user_office


class OfficeTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        office = user_office(user) if user.is_authenticated and user.is_staff else None
        if office is None:
            return self.get_response(request)
        with timezone.override(office.time_zone):
            return self.get_response(request)
