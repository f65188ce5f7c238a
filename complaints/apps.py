from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    # Not "Complaints": the model is, and the breadcrumb read "Şikâyetler › Şikâyetler".
    verbose_name = _("Complaint handling")

    def ready(self) -> None:
        # The admin of API tokens with their expiry, in place of DRF's own
        # (the admin's autodiscovery, which registers DRF's, ran before: its app comes first).
        import rest_framework.authtoken.admin  # noqa: F401

        from . import admin_tokens, codes, handlers, retention
        from .signals import reactions_connect

        assert codes  # declares the codes at import
        reactions_connect(app="complaints", reactions=handlers.REACTIONS)
        admin_tokens.register()
        retention.register()
