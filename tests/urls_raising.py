"""The project's URLs plus one view that fails, to see the 500 page the way a user would."""

from django.urls import path

from pps_admin.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [path("uji-gangguan/", failing_view), *project_urlpatterns]
