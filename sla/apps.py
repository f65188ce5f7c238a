from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from complaints.signals import complaint_event
        from sla import calendar_cache, handlers

        complaint_event.connect(handlers.on_complaint_event, dispatch_uid="sla.handlers")
        # After the one above: the figures read the due dates it writes.
        complaint_event.connect(
            handlers.on_complaint_event_figures, dispatch_uid="sla.handlers.figures"
        )
        post_delete.connect(
            handlers.on_figures_deleted,
            sender="sla.ComplaintFigures",
            dispatch_uid="sla.handlers.figures_deleted",
        )
        calendar_cache.receivers_connect()
        _name_actions()


def _name_actions() -> None:
    from complaints.history import action_label_register
    from sla.targets import ACK, DUE_CHANGED, RESOLUTION

    action_label_register(ACK.at_risk_action, _("Acknowledgement at risk"))
    action_label_register(ACK.breached_action, _("Acknowledgement target breached"))
    action_label_register(RESOLUTION.at_risk_action, _("Resolution at risk"))
    action_label_register(RESOLUTION.breached_action, _("Resolution target breached"))
    action_label_register(DUE_CHANGED, _("Resolution due date changed"))
