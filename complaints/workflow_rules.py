"""The guards and effects the transitions of complaints.workflow are built from.

A guard looks at the complaint (with the transition's fields applied) and says
what is wrong; an effect changes what a step implies besides the stage and
names the fields it changed. complaints.workflow declares which step uses which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Complaint


# A guard looks at the complaint (with the transition's fields already applied)
# and returns {field: message} for every rule it breaks.
Guard = Callable[["Complaint"], dict[str, str]]
Effect = Callable[["Complaint"], Iterable[str]]


def required(*names: str) -> Guard:
    def guard(complaint: Complaint) -> dict[str, str]:
        missing = {}
        for name in names:
            value = getattr(complaint, f"{name}_id" if _is_fk(name) else name)
            if value in (None, "") or (isinstance(value, str) and not value.strip()):
                missing[name] = str(_("This field is required for this step."))
        return missing

    guard.__name__ = f"required({', '.join(names)})"
    return guard


def _is_fk(name: str) -> bool:
    return name in {"category", "assignee", "root_cause"}


def assignee_is_assignable(complaint: Complaint) -> dict[str, str]:
    from .staff import user_is_assignable

    if complaint.assignee_id is not None and not user_is_assignable(complaint.assignee):
        return {"assignee": str(_("Only Agents and Representatives can be assigned."))}
    return {}


def priority_override_explained(complaint: Complaint) -> dict[str, str]:
    """PROCESS.md: staff may override the category's priority; the reason is recorded."""
    category = complaint.category
    if category is None or not complaint.priority:
        return {}
    reason = (complaint.priority_override_reason or "").strip()
    if complaint.priority != category.default_priority and not reason:
        return {
            "priority_override_reason": str(
                _("Give a reason when the priority differs from the category's default.")
            )
        }
    return {}


def answer_is(answer: Any) -> Guard:
    def guard(complaint: Complaint) -> dict[str, str]:
        if complaint.customer_answer != answer:
            return {
                "customer_answer": str(_("The customer's answer must be “%(answer)s”."))
                % {"answer": answer.label}
            }
        return {}

    guard.__name__ = f"answer_is({answer})"
    return guard


def answer_is_not(answer: Any) -> Guard:
    def guard(complaint: Complaint) -> dict[str, str]:
        if complaint.customer_answer == answer:
            return {
                "customer_answer": str(_("The customer's answer cannot be “%(answer)s”."))
                % {"answer": answer.label}
            }
        return {}

    guard.__name__ = f"answer_is_not({answer})"
    return guard


# --- Effects: what a transition changes besides the stage ----------------------
# Each returns the names of the fields it changed, for update_fields.


def priority_from_category(complaint: Complaint) -> Iterable[str]:
    """Each criterion carries a default priority (PROCESS.md stage 3)."""
    if not complaint.priority and complaint.category is not None:
        complaint.priority = complaint.category.default_priority
        return ("priority",)
    return ()


def stamp(name: str) -> Effect:
    def effect(complaint: Complaint) -> Iterable[str]:
        from django.utils import timezone

        setattr(complaint, name, timezone.now())
        return (name,)

    return effect


def count_reopening(complaint: Complaint) -> Iterable[str]:
    complaint.reopen_count += 1
    return ("reopen_count",)


def await_new_answer(complaint: Complaint) -> Iterable[str]:
    # A new decision needs a new answer: the previous one stays in the history.
    complaint.customer_answer = ""
    complaint.customer_answer_reason = ""
    complaint.customer_answer_channel = ""
    complaint.customer_answered_at = None
    return (
        "customer_answer",
        "customer_answer_reason",
        "customer_answer_channel",
        "customer_answered_at",
    )


def stamp_answer(complaint: Complaint) -> Iterable[str]:
    if complaint.customer_answer and complaint.customer_answered_at is None:
        from django.utils import timezone

        complaint.customer_answered_at = timezone.now()
        return ("customer_answered_at",)
    return ()
