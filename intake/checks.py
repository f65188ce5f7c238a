"""System checks for the inbound channels (`manage.py check`; the deploy ones
with `--deploy`, which CI runs with production settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf
from .ratelimit import parse_rate


def _webhook_secret() -> str:
    return str((getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or "")


@register(Tags.security, deploy=True)
def check_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    secret = _webhook_secret()
    if settings.DEBUG:
        return []
    if not secret:
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is empty: with DEBUG off every inbound e-mail "
                "post is refused (and without that refusal anyone could post).",
                hint="Set ANYMAIL_WEBHOOK_SECRET to user:password and put the same basic "
                "auth in the provider's webhook URL (docs/channels.md).",
                id="intake.E001",
            )
        ]
    if ":" not in secret:
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET must be user:password (HTTP basic auth).",
                id="intake.E002",
            )
        ]
    return []


@register()
def check_inbound_provider(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    from config.anymail_urls import known_esps

    esp = str(getattr(settings, "ANYMAIL_INBOUND_ESP", "postmark") or "")
    if esp and esp.strip().lower() not in known_esps():
        return [
            Error(
                f"ANYMAIL_INBOUND_ESP={esp!r} is not a provider anymail has webhooks for.",
                hint="One of: " + ", ".join(sorted(known_esps())) + ".",
                id="intake.E003",
            )
        ]
    return []


@register()
def check_rate_limits(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    errors: list[Any] = []
    for scope, rate in conf.rate_limits().items():
        try:
            parse_rate(rate)
        except ValueError:
            errors.append(
                Error(
                    f"INTAKE_RATE_LIMITS[{scope!r}] = {rate!r} cannot be read.",
                    hint="Use N/s, N/m, N/h, N/d or N/10m; None for no limit.",
                    id="intake.E004",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_rate_limits_enabled(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if settings.DEBUG or conf.rate_limit_enabled():
        return []
    return [
        Warning(
            "INTAKE_RATE_LIMIT_ENABLED is off: the form, the API and the webhooks "
            "take any number of submissions.",
            id="intake.W001",
        )
    ]
