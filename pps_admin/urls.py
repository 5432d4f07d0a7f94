from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "PPS Admin"  # the office's name is added per user (templates/admin/base_site.html)
admin.site.site_title = "PPS Admin"
admin.site.index_title = "Sekretariat PPS Pilkada 2024"


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; the icon is a static file.
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    # The public check page of the QR codes printed on every document (issue #16).
    path("cek/", include("secretariat.check.urls")),
    # The site root is the members' portal; staff use /admin/.
    path("", include("secretariat.portal.urls")),
]
