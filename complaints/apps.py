from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    # Not "Complaints": the model is, and the breadcrumb read "Şikâyetler › Şikâyetler".
    verbose_name = _("Complaint handling")

    def ready(self) -> None:
        # The admin of API tokens with their expiry, in place of DRF's own
        # (the admin's autodiscovery, which registers DRF's, ran before: its app comes first).
        import rest_framework.authtoken.admin  # noqa: F401

        from common import csrf, multipart

        # A public page's CSRF token drawn with one read of the random source (issue 15).
        csrf.install()
        # The form's multipart body parsed without Django's streaming parser (issue 15).
        multipart.install()
        from . import admin_tokens, codes, decision_calls_privacy, handlers, retention
        from .signals import reactions_connect

        assert codes  # declares the codes at import
        reactions_connect(app="complaints", reactions=handlers.REACTIONS)
        admin_tokens.register()
        retention.register()
        decision_calls_privacy.register()
        # SQLite drops a table's triggers when a migration rebuilds the table:
        # put the history's guard back after every migrate (idempotent).
        post_migrate.connect(_history_guard_ensure, sender=self, dispatch_uid="complaints.guard")


def _history_guard_ensure(sender: AppConfig, *, using: str, **kwargs: Any) -> None:
    from django.db import connections

    from .privacy_guard import GUARD_TABLE, history_guard_install

    connection = connections[using]
    # Installed once by migration 0007; on SQLite its control table outlives the
    # triggers a table rebuild dropped. (PostgreSQL keeps triggers on ALTER TABLE.)
    if connection.vendor == "sqlite" and GUARD_TABLE in connection.introspection.table_names():
        history_guard_install(connection)
