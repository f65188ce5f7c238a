"""Fixtures for the KVKK tests: API clients, an inbound e-mail, media in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from anymail.inbound import AnymailInboundMessage
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

SITE_URL = "https://sikayet.keyinternet.com.tr"


@pytest.fixture(autouse=True)
def _kvkk_settings(settings: Any, tmp_path: Any) -> None:
    settings.SITE_URL = SITE_URL
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Key İnternet <sikayet@keyinternet.example>"


@pytest.fixture
def client_for(db: Any) -> Callable[..., APIClient]:
    def build(user: Any) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return build


def inbound_email(
    *,
    sender: str,
    name: str,
    subject: str,
    text: str,
    message_id: str = "<kvkk-1@mail.example.com>",
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> AnymailInboundMessage:
    """An inbound e-mail as anymail hands it to intake (any provider)."""
    return AnymailInboundMessage.construct(
        from_email=f"{name} <{sender}>",
        to="sikayet@keyinternet.example",
        subject=subject,
        text=text,
        headers=[("Message-ID", message_id)],
        attachments=[
            AnymailInboundMessage.construct_attachment(
                content_type=content_type, content=content, filename=filename
            )
            for filename, content_type, content in attachments
        ],
    )
