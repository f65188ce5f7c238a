from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        from complaints.signals import reactions_connect

        from . import codes, extensions, handlers

        assert codes  # declares the codes at import
        reactions_connect(app="improvement", reactions=handlers.REACTIONS)
        extensions.register()
