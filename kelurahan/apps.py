from django.apps import AppConfig


class KelurahanConfig(AppConfig):
    name = "kelurahan"
    verbose_name = "Wilayah"
