"""API tokens that expire: DRF's token authentication, refusing a token older
than ``API_TOKEN_LIFETIME_DAYS`` (default 30; 0 = tokens never expire).

A superuser issues and revokes tokens in the admin (*Auth Token › Tokens*,
complaints/admin_tokens.py); a new token starts a new lifetime.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

DEFAULT_LIFETIME_DAYS = 30


def token_lifetime() -> timedelta | None:
    days = getattr(settings, "API_TOKEN_LIFETIME_DAYS", DEFAULT_LIFETIME_DAYS)
    return timedelta(days=days) if days else None


def token_expires_at(token: Token) -> datetime | None:
    lifetime = token_lifetime()
    return token.created + lifetime if lifetime is not None else None


def token_is_expired(token: Token, *, now: datetime | None = None) -> bool:
    expires_at = token_expires_at(token)
    return expires_at is not None and expires_at <= (now or timezone.now())


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token's lifetime is over."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(_("Token has expired."))
        return user, token
