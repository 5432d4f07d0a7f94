from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class SecretariatConfig(AppConfig):
    name = "secretariat"
    verbose_name = "Sekretariat PPS"

    def ready(self):
        # Imported here, not at the top: models and what uses them load only once the app registry is ready.
        from kelurahan.scope import register_region_rule
        from pps_admin.admin_scope import register_write_rule

        from . import tasks  # noqa: F401 (registers the Celery tasks, which the engine looks up by name)
        from .models import DocumentKind, JobKind
        from .models.scoping import may_write, visible_regency_codes
        from .roles import ensure_staff_groups
        from .seal_checks import office_seal_check
        from .services import decree_documents as decree
        from .services.document_jobs import register_document_kind, register_job_kind

        # Every app's post_migrate: the integrity app's permissions exist only after its own migrate.
        post_migrate.connect(ensure_staff_groups, dispatch_uid="secretariat.ensure_staff_groups")
        # Staff see the regions of their own office(s) only (kelurahan.scope).
        register_region_rule(visible_regency_codes)
        register_write_rule(may_write)
        checks.register(office_seal_check)
        register_document_kind(
            DocumentKind.KEPUTUSAN,
            render=decree.keputusan_render,
            path=decree.keputusan_path,
            download_name=decree.keputusan_download_name,
        )
        register_document_kind(
            DocumentKind.SALINAN,
            render=decree.salinan_render,
            path=decree.salinan_path,
            download_name=decree.salinan_download_name,
        )
        register_document_kind(DocumentKind.PETIKAN, render=decree.petikan_render, path=decree.petikan_path)
        register_job_kind(JobKind.SK, on_done=decree.decree_bundle_prepare)
