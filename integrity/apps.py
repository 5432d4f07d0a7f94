from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = "Pakta integritas"

    def ready(self):
        # Imported here, not at the top: models and what uses them load only once the app registry is ready.
        from secretariat.models import DocumentKind
        from secretariat.services.document_jobs import register_document_kind
        from secretariat.signals import office_created

        from .services.documents import (
            attendance_relative_path,
            attendance_render,
            pact_pdf,
            pact_relative_path,
        )
        from .services.office_setup import pact_text_for_new_office

        register_document_kind(DocumentKind.PAKTA, render=pact_pdf, path=pact_relative_path)
        register_document_kind(
            DocumentKind.DAFTAR_HADIR, render=attendance_render, path=attendance_relative_path
        )
        office_created.connect(pact_text_for_new_office, dispatch_uid="integrity.pact_text_for_new_office")
