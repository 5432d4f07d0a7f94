from django.urls import path

from . import views

app_name = "check"

urlpatterns = [
    path("", views.check_index, name="index"),
    # Any text: a malformed code gets the same 404 as an unknown one.
    path("<str:code>/", views.check_document, name="document"),
]
