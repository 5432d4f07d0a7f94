from django.apps import AppConfig


class SecretariatConfig(AppConfig):
    name = "secretariat"
    verbose_name = "Sekretariat PPS"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import ensure_staff_groups

        # Every app's post_migrate: the integrity app's permissions exist only after its own migrate.
        post_migrate.connect(ensure_staff_groups, dispatch_uid="secretariat.ensure_staff_groups")
