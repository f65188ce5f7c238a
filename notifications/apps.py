from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from anymail.signals import tracking

        from complaints.signals import reactions_connect

        # Imported for what they do at import: declare the codes, register the
        # e-mail and SMS transports, register the Celery tasks (services
        # enqueues them by name).
        from . import checks, codes, email, handlers, privacy, sms, tasks  # noqa: F401

        assert codes and email and sms and tasks
        reactions_connect(
            app="notifications",
            reactions=handlers.REACTIONS,
            on_escalation=handlers.on_escalation,
            on_due_moved=handlers.on_due_moved,
        )
        tracking.connect(handlers.on_anymail_tracking, dispatch_uid="notifications-anymail")
        privacy.register()

        # The customer conversation (docs/conversation.md).
        from . import extensions

        reactions_connect(
            app="notifications.conversation", reactions=handlers.CONVERSATION_REACTIONS
        )
        extensions.register()
