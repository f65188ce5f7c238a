"""Who can be assigned a complaint: one rule for the admin, the API and the workflow.

PROCESS.md stage 4: the complaint-handling representative follows each
complaint; Agents handle them day to day. So only active staff accounts in the
Agent or Representative group can be assigned (superusers too only when they
are in one of those groups).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

ASSIGNABLE_GROUPS = ("Agent", "Representative")


def assignable_users() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name__in=ASSIGNABLE_GROUPS)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def user_is_assignable(user: Any) -> bool:
    if user is None or getattr(user, "pk", None) is None:
        return False
    return assignable_users().filter(pk=user.pk).exists()
