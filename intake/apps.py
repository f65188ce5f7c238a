from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from anymail.signals import inbound

        from . import checks, handlers, privacy  # noqa: F401  (checks register themselves)

        inbound.connect(handlers.on_inbound_email, dispatch_uid="intake.inbound_email")
        privacy.register()
