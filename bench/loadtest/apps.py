from django.apps import AppConfig


class LoadTestConfig(AppConfig):
    name = "bench.loadtest"
    label = "loadtest"
    verbose_name = "Data uji beban (sintetis)"
