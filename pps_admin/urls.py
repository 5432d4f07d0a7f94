from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "PPS Admin · KPU Kota Balikpapan"
admin.site.site_title = "PPS Admin"
admin.site.index_title = "Sekretariat PPS Pilkada 2024"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The member portal (issue #5) will take the site root; until then it leads to the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
