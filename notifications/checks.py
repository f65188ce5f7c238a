"""System checks for the notices' transports (`manage.py check`; the deploy
ones with `--deploy`, which CI runs with production settings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from . import conf

_DEVELOPMENT_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def _sms_backend_class() -> type | None:
    try:
        backend = import_string(conf.sms_backend())
    except ImportError:
        return None
    return backend if isinstance(backend, type) else None


@register()
def check_sms_backend_importable(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if _sms_backend_class() is None:
        return [
            Error(
                f"SMS_BACKEND={conf.sms_backend()!r} cannot be imported.",
                hint="notifications.sms.TwilioSMSBackend, ConsoleSMSBackend or LocmemSMSBackend.",
                id="notifications.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_twilio_credentials(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    from .sms import TwilioSMSBackend

    backend = _sms_backend_class()
    if backend is None or not issubclass(backend, TwilioSMSBackend):
        return []
    missing = [
        name
        for name, value in (
            ("TWILIO_ACCOUNT_SID", conf.twilio_account_sid()),
            ("TWILIO_AUTH_TOKEN", conf.twilio_auth_token()),
            ("TWILIO_FROM_NUMBER", conf.twilio_from_number()),
        )
        if not value
    ]
    if not missing:
        return []
    return [
        Error(
            f"SMS_BACKEND is Twilio but {', '.join(missing)} is empty: every SMS notice "
            "fails, and without the token no Twilio webhook signature can be checked.",
            id="notifications.E001",
        )
    ]


@register(deploy=True)
def check_production_transports(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if settings.DEBUG:
        return []
    warnings: list[Any] = []
    if settings.EMAIL_BACKEND in _DEVELOPMENT_EMAIL:
        warnings.append(
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no customer gets an e-mail.",
                hint="anymail's backend of your provider, or Django's SMTP backend.",
                id="notifications.W001",
            )
        )
    backend = _sms_backend_class()
    if backend is not None and backend.__name__ in {"ConsoleSMSBackend", "LocmemSMSBackend"}:
        warnings.append(
            Warning(
                f"SMS_BACKEND is {conf.sms_backend()}: no customer gets an SMS.",
                hint="notifications.sms.TwilioSMSBackend.",
                id="notifications.W002",
            )
        )
    url = urlsplit(conf.site_url())
    if url.scheme != "https" or url.hostname in {"localhost", "127.0.0.1", "::1", None}:
        warnings.append(
            Warning(
                f"SITE_URL is {conf.site_url()!r}: the links sent to customers lead nowhere "
                "useful (or not over HTTPS).",
                hint="The public https:// address of the site.",
                id="notifications.W003",
            )
        )
    return warnings


@register()
def check_proactive_names(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """NOTIFICATIONS_PROACTIVE names only what there is to tell (issue 10, item 7)."""
    from .models import Proactive

    unknown = sorted(conf.proactive() - set(Proactive.values))
    if not unknown:
        return []
    return [
        Error(
            f"NOTIFICATIONS_PROACTIVE names {', '.join(unknown)}, which no notice tells.",
            hint=f"A comma list of {', '.join(Proactive.values)}, or empty for none.",
            id="notifications.E003",
        )
    ]
