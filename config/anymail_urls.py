"""/anymail/: the webhooks of the one e-mail provider we use, not all of anymail's.

``ANYMAIL_INBOUND_ESP`` (default ``postmark``) names it; every other
provider's URL answers 404 (with all of them mounted, a provider we do not use
was one unauthenticated parser more, and several answered 500 to a stray post).
Each mounted view is anymail's own, with two more checks:

- with DEBUG off, no post is taken while ``ANYMAIL_WEBHOOK_SECRET`` is empty
  (anymail itself only warns and then accepts anyone's posts);
- a body the provider's parser cannot read (not JSON, not UTF-8, not the
  provider's shape, bad base64, an address with CR/LF, nested too deep) is a
  400 with nothing stored, not a 500 that the provider would retry for days.

Both raise anymail's AnymailWebhookValidationFailure, which Django answers 400
(as anymail does for a wrong secret). Errors in our own handlers still give a
500, so the provider delivers again (docs/channels.md).
"""

from __future__ import annotations

from typing import Any

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from django.conf import settings
from django.http import HttpRequest
from django.urls import URLPattern
from django.views import View


def _guarded(view_class: type[View]) -> type[View]:
    class GuardedWebhookView(view_class):  # type: ignore[valid-type,misc]
        # anymail calls every validate_request in the class chain, this one too.
        def validate_request(self, request: HttpRequest) -> None:
            if not settings.DEBUG and not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
                raise AnymailWebhookValidationFailure(
                    f"Anymail {self.esp_name} webhook refused: ANYMAIL_WEBHOOK_SECRET is not set"
                )

        def parse_events(self, request: HttpRequest) -> list[Any]:
            try:
                return list(super().parse_events(request))
            except Exception as exc:  # whatever the payload made the provider's parser do
                raise AnymailWebhookValidationFailure(
                    f"Anymail {self.esp_name} webhook: unreadable payload ({type(exc).__name__})"
                ) from exc

    GuardedWebhookView.__name__ = f"Guarded{view_class.__name__}"
    GuardedWebhookView.__qualname__ = GuardedWebhookView.__name__
    return GuardedWebhookView


def anymail_urlpatterns(esp: str) -> list[URLPattern]:
    """anymail's URL patterns of one provider (``postmark``, ``mailgun``, ``amazon_ses``…),
    each view guarded as above; none for ``""``."""
    prefix = f"{esp.strip().lower()}_"
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not esp.strip() or not isinstance(pattern, URLPattern):
            continue
        if not (pattern.name or "").startswith(prefix):
            continue
        callback: Any = pattern.callback
        view = _guarded(callback.view_class).as_view(**callback.view_initkwargs)
        patterns.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return patterns


def known_esps() -> set[str]:
    """The providers anymail has webhooks for."""
    esps = set()
    for pattern in anymail_urls.urlpatterns:
        name = str(getattr(pattern, "name", "") or "")
        for suffix in ("_inbound_webhook", "_tracking_webhook", "_webhook"):
            if name.endswith(suffix):
                esps.add(name[: -len(suffix)])
                break
    return esps


app_name = "anymail"
urlpatterns = anymail_urlpatterns(getattr(settings, "ANYMAIL_INBOUND_ESP", "postmark"))
