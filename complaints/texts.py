"""Publishing a versioned text (complaints.models.versioned): the privacy
notice and where else the customer can go follow these rules, written once.

A published version is never edited; publishing a changed text makes the next
version, and the latest is the one in force.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models.versioned import VersionedText
from .permissions import Actor, actor_require, actor_user

T = TypeVar("T", bound=VersionedText)


def text_current(model: type[T]) -> T | None:
    """The version in force: the latest published."""
    return model._default_manager.order_by("-version").first()


def text_get(model: type[T], version: Any) -> T | None:
    """The version with this number, or None (a number nobody published, or not a number)."""
    try:
        number = int(version)
    except (TypeError, ValueError):
        return None
    if number <= 0 or number > 2**31 - 1:
        return None
    return model._default_manager.filter(version=number).first()


def text_publish(model: type[T], *, text_tr: str, text_en: str, actor: Actor, permission: str) -> T:
    """Publish a new version; the current one when neither text changed."""
    actor_require(actor, permission)
    text_tr, text_en = (text_tr or "").strip(), (text_en or "").strip()
    errors: dict[str, list[str]] = {}
    if not text_tr:
        errors["text_tr"] = [_("Write the Turkish text.")]
    if not text_en:
        errors["text_en"] = [_("Write the English text.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two editors publishing at once: the lock on the latest version makes
        # the second wait and number its version after the first one's. (The
        # very first version has no row to lock: the unique index decides.)
        latest = model._default_manager.select_for_update().order_by("-version").first()
        if latest is not None and (latest.text_tr, latest.text_en) == (text_tr, text_en):
            return latest
        return model._default_manager.create(
            version=(latest.version if latest is not None else 0) + 1,
            text_tr=text_tr,
            text_en=text_en,
            published_by=actor_user(actor),
        )
