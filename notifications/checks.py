"""System checks for the notices' transports (`manage.py check`; the deploy
ones with `--deploy`, which CI runs with production settings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from common import twilio_address

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


@register(Tags.security, deploy=True)
def check_twilio_whatsapp(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """TWILIO_WHATSAPP_FROM is needed only once WhatsApp is on."""
    from .sms import TwilioSMSBackend

    if not conf.whatsapp_enabled():
        return []
    errors: list[Any] = []
    backend = _sms_backend_class()
    if backend is not None and issubclass(backend, TwilioSMSBackend):
        if not conf.twilio_whatsapp_from():
            errors.append(
                Error(
                    "TWILIO_WHATSAPP_ENABLED is on but TWILIO_WHATSAPP_FROM is empty: every "
                    "answer on WhatsApp fails.",
                    hint="The WhatsApp sender Twilio gave you, e.g. +908501234567.",
                    id="notifications.E003",
                )
            )
        elif not twilio_address.parse(conf.twilio_whatsapp_from()).is_e164:
            errors.append(
                Error(
                    f"TWILIO_WHATSAPP_FROM={conf.twilio_whatsapp_from()!r} is not a number "
                    "in E.164 form.",
                    hint="+ and the country code, e.g. +908501234567 (or whatsapp:+9085…).",
                    id="notifications.E004",
                )
            )
    if not 0 < conf.whatsapp_window_seconds() <= 24 * 3600:
        errors.append(
            Error(
                f"NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS={conf.whatsapp_window_seconds()} is "
                "outside WhatsApp's 24-hour window: notices would fail there.",
                hint="At most 86400; the default 82800 (23 h) leaves a margin.",
                id="notifications.E005",
            )
        )
    return errors


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
