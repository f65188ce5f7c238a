from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from complaints.signals import complaint_event
        from sla import handlers

        complaint_event.connect(handlers.on_complaint_event, dispatch_uid="sla.handlers")
