"""Twilio's webhook signature, checked one way for every webhook we expose
(the inbound-SMS webhook of intake, the delivery-status callback of notifications).

Twilio signs the URL it called plus the POST parameters with the account's Auth
Token (HMAC-SHA1), or, when the request carries
``X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256``, with the
algorithm that header names. The URL Twilio called is the public one: behind a
proxy that changes scheme or host it differs from what Django sees, so the
caller passes the public base URL(s) it gave Twilio, and the request's own URL
is tried as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)


def candidate_urls(request: HttpRequest, public_base_urls: Iterable[str] = ()) -> list[str]:
    """The URLs Twilio may have signed: each public base + this path, then the request's own."""
    urls = [base.rstrip("/") + request.get_full_path() for base in public_base_urls if base]
    urls.append(request.build_absolute_uri())
    return list(dict.fromkeys(urls))


def request_is_signed(
    request: HttpRequest, *, auth_token: str, public_base_urls: Iterable[str] = ()
) -> bool:
    """True only for a request signed by Twilio with ``auth_token``.

    No token configured, no signature, an unknown algorithm or a signature over
    other parameters or another URL: False.
    """
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not auth_token or not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER, ""))
    validator = RequestValidator(auth_token)
    return any(
        validator.validate(url, request.POST, signature, algorithm)
        for url in candidate_urls(request, public_base_urls)
    )
