from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "PPS Admin · KPU Kota Balikpapan"
admin.site.site_title = "PPS Admin"
admin.site.index_title = "Sekretariat PPS Pilkada 2024"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The site root is the members' portal; staff use /admin/.
    path("", include("secretariat.portal.urls")),
]
