"""Proof that a visitor is a complaint's customer, kept in their session.

Two proofs open the page of one complaint for COMPLAINTS_CUSTOMER_ACCESS_SECONDS
(2 hours): the signed link in any notice (``customer_url``), or a one-time code
(complaints.services.access). The session holds {complaint id: expiry}; one
complaint's proof never opens another's page.
"""

from __future__ import annotations

import time
from typing import Any

from django.core import signing
from django.urls import reverse

from . import conf

_LINK_SALT = "complaints.customer-link"
SESSION_KEY = "complaints:customer_access"
LINK_PARAMETER = "k"


class LinkInvalid(Exception):
    pass


class LinkExpired(LinkInvalid):
    pass


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_LINK_SALT)


def customer_link_token(complaint: Any) -> str:
    return _signer().sign(str(complaint.pk))


def customer_url(complaint: Any) -> str:
    """The absolute URL of the customer's page that proves who they are."""
    path = reverse("complaints:track", args=[complaint.tracking_number])
    return f"{conf.site_url()}{path}?{LINK_PARAMETER}={customer_link_token(complaint)}"


def customer_link_check(complaint: Any, token: str) -> None:
    """LinkInvalid (tampered, another complaint's) or LinkExpired, else None."""
    try:
        value = _signer().unsign(token, max_age=conf.customer_link_max_age_seconds())
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if value != str(complaint.pk):
        raise LinkInvalid


def _grants(session: Any) -> dict[str, int]:
    raw = session.get(SESSION_KEY) or {}
    now = int(time.time())
    return {k: int(v) for k, v in raw.items() if isinstance(v, int | float) and v > now}


def access_grant(request: Any, complaint: Any) -> None:
    grants = _grants(request.session)
    if not grants:
        # A visitor proves who they are: a new session id (no fixation).
        request.session.cycle_key()
    grants[str(complaint.pk)] = int(time.time()) + conf.customer_access_seconds()
    request.session[SESSION_KEY] = grants


def access_has(request: Any, complaint: Any) -> bool:
    return access_has_id(request, complaint.pk)


def access_has_id(request: Any, complaint_id: int | None) -> bool:
    """access_has by the complaint's id (the tracking page before it loads the complaint)."""
    session = getattr(request, "session", None)
    return session is not None and str(complaint_id) in _grants(session)


def access_end(request: Any, complaint: Any) -> None:
    grants = _grants(request.session)
    grants.pop(str(complaint.pk), None)
    request.session[SESSION_KEY] = grants


def contact_mask(contact: str) -> str:
    """``ayse.yilmaz@gmail.com`` → ``a***@g***.com``; ``+905321234567`` → ``+90 *** *** ** 67``."""
    contact = (contact or "").strip()
    if "@" in contact:
        local, _, domain = contact.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        if not dot:
            host, tld = domain, ""
        masked_host = f"{host[:1]}***" + (f".{tld}" if tld else "")
        return f"{local[:1]}***@{masked_host}"
    digits = contact.lstrip("+")
    if len(digits) < 4:
        return "***"
    country = "+" + digits[:2] + " " if contact.startswith("+") else ""
    return f"{country}*** *** ** {digits[-2:]}"
