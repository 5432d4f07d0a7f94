from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = "Pakta integritas"

    def ready(self):
        from secretariat.services.documents import register_document_kind

        from .services.documents import (
            attendance_relative_path,
            attendance_render,
            pact_pdf,
            pact_relative_path,
        )

        register_document_kind("pakta", render=pact_pdf, path=pact_relative_path)
        register_document_kind("daftar_hadir", render=attendance_render, path=attendance_relative_path)
