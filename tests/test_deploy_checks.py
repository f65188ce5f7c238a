"""`manage.py check --deploy` fails on a configuration that would leave a
channel open to anyone or silently broken in production."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core import checks

from tests.live_server import ROOT, embedded_env

TWILIO = "notifications.sms.TwilioSMSBackend"


@pytest.fixture
def production(settings):
    """What the README's production .env gives."""
    settings.DEBUG = False
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:long-random-secret"}
    settings.ANYMAIL_INBOUND_ESP = "postmark"
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.SMS_BACKEND = TWILIO
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.SITE_URL = "https://sikayet.example.com"
    return settings


def ids(*, deploy: bool = True) -> set[str]:
    return {
        message.id
        for message in checks.run_checks(include_deployment_checks=deploy)
        if message.id and message.id.split(".")[0] in {"intake", "notifications"}
    }


def test_the_production_configuration_passes(production):
    assert ids() == set()


def test_an_empty_webhook_secret_fails(production):
    production.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert "intake.E001" in ids()


def test_a_webhook_secret_that_is_not_user_and_password_fails(production):
    production.ANYMAIL = {"WEBHOOK_SECRET": "just-a-password"}
    assert "intake.E002" in ids()


def test_an_unknown_inbound_provider_fails_even_without_deploy(production):
    production.ANYMAIL_INBOUND_ESP = "postmarc"
    assert "intake.E003" in ids(deploy=False)


def test_a_rate_limit_that_cannot_be_read_fails_even_without_deploy(production):
    production.INTAKE_RATE_LIMITS = {"submit": "twenty an hour"}
    assert "intake.E004" in ids(deploy=False)


def test_rate_limits_switched_off_are_reported(production):
    production.INTAKE_RATE_LIMIT_ENABLED = False
    assert "intake.W001" in ids()


@pytest.mark.parametrize(
    "missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"]
)
def test_the_twilio_backend_without_its_credentials_fails(production, missing):
    setattr(production, missing, "")
    assert "notifications.E001" in ids()


def test_an_sms_backend_that_cannot_be_imported_fails_even_without_deploy(production):
    production.SMS_BACKEND = "notifications.sms.NoSuchBackend"
    assert "notifications.E002" in ids(deploy=False)


@pytest.mark.parametrize(
    ("setting", "value", "code"),
    [
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "notifications.W001"),
        ("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend", "notifications.W001"),
        ("SMS_BACKEND", "notifications.sms.ConsoleSMSBackend", "notifications.W002"),
        ("SITE_URL", "http://127.0.0.1:8000", "notifications.W003"),
    ],
)
def test_development_backends_and_links_are_reported(production, setting, value, code):
    setattr(production, setting, value)
    assert code in ids()


def test_none_of_this_is_asked_in_development(production):
    production.DEBUG = True
    production.ANYMAIL = {"WEBHOOK_SECRET": ""}
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.SMS_BACKEND = "notifications.sms.ConsoleSMSBackend"
    production.SITE_URL = "http://127.0.0.1:8000"
    assert ids(deploy=False) == set()


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=embedded_env(ROOT / "var", **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "sikayet.example.com",
    "SITE_URL": "https://sikayet.example.com",
    "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
    "SMS_BACKEND": TWILIO,
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+15005550006",
    "ANYMAIL_WEBHOOK_SECRET": "postmark:long-random-secret",
}


def test_check_deploy_as_ci_runs_it_passes_with_the_production_env_and_fails_without_a_secret():
    assert _check_deploy(**PRODUCTION_ENV).returncode == 0, _check_deploy(**PRODUCTION_ENV).stderr
    failed = _check_deploy(**{**PRODUCTION_ENV, "ANYMAIL_WEBHOOK_SECRET": ""})
    assert failed.returncode != 0 and "intake.E001" in failed.stderr
