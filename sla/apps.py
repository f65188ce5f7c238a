from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from complaints.signals import reactions_connect, receipt_fields_connect
        from sla import calendar_cache, codes, extensions, handlers, privacy

        assert codes  # declares the codes at import
        receipt_fields_connect(app="sla", fields=handlers.receipt_fields)
        reactions_connect(app="sla", reactions=handlers.HANDLERS)
        # After the one above: the figures read the due dates it writes.
        reactions_connect(app="sla.figures", reactions=handlers.FIGURES_HANDLERS)
        calendar_cache.receivers_connect()
        extensions.register()
        privacy.register()
