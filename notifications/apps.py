from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from anymail.signals import tracking

        from complaints.signals import complaint_event

        from . import checks, handlers  # noqa: F401  (checks register themselves)

        complaint_event.connect(handlers.on_complaint_event, dispatch_uid="notifications")
        tracking.connect(handlers.on_anymail_tracking, dispatch_uid="notifications-anymail")

        from complaints.history import action_label_register

        action_label_register("notifications.notice.sent", _("Notice sent"))
        action_label_register("notifications.notice.failed", _("Notice failed"))
        action_label_register("notifications.notice.retried", _("Notice sent again"))
