from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from . import codes, handlers, retention
        from .signals import reactions_connect

        assert codes  # declares the codes at import
        reactions_connect(app="complaints", reactions=handlers.REACTIONS)
        retention.register()
