"""Who may act: the one permission check of the services, the admin and the API.

``actor`` None is the system itself (a task, a command): no user to check.
A user acts only while their account is active and marked staff, as the
admin requires, and only with the permission the step needs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

Actor = AbstractUser | AnonymousUser | None


def user_is_active_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


def user_can(user: Any, permission: str) -> bool:
    return user_is_active_staff(user) and bool(user.has_perm(permission))


def actor_require(actor: Actor, permission: str) -> None:
    if actor is None:
        return
    if not user_can(actor, permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def actor_user(actor: Actor) -> Any:
    """The user to record as the actor of a history row (None for the system)."""
    return actor if actor is not None and actor.is_authenticated else None
