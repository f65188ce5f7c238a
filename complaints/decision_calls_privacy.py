"""What a decision call holds about the customer (the number called, the reason
they gave, staff's note), for the retention sweep and data-subject requests
(complaints.privacy): scrubbed with the complaint, exported with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Value, When

from .models import DecisionCall
from .privacy import admin_log_scrub, anonymiser_register, exporter_register, history_data_keep


def register() -> None:
    anonymiser_register("complaints.decision_calls", decision_calls_anonymise)
    exporter_register("complaints.decision_calls", decision_calls_export)
    # The call's history rows (complaints.services.decision_call_record) and the
    # decision notified by a call: codes of our own lists.
    history_data_keep("outcome", "answer", "answered_on_call")


def _typed(name: str, placeholder: str) -> Case:
    return Case(When(**{name: ""}, then=Value("")), default=Value(placeholder))


def decision_calls_anonymise(complaint_ids: Iterable[int], *, placeholder: str) -> None:
    calls = DecisionCall.objects.filter(complaint_id__in=list(complaint_ids))
    ids = list(calls.values_list("pk", flat=True))
    if not ids:
        return
    # The outcome, the answer, the time and who called stay: they are figures.
    DecisionCall.objects.filter(pk__in=ids).update(
        phone="",
        answer_reason=_typed("answer_reason", placeholder),
        note=_typed("note", placeholder),
    )
    admin_log_scrub(DecisionCall, ids)


def decision_calls_export(complaint_ids: Iterable[int]) -> dict[str, Any]:
    calls = (
        DecisionCall.objects.filter(complaint_id__in=list(complaint_ids))
        .select_related("complaint")
        .order_by("called_at", "pk")
    )
    return {
        "decision_calls": [
            {
                "complaint": call.complaint.tracking_number,
                "at": call.called_at.isoformat(),
                "number_called": call.phone,
                "outcome": call.outcome,
                "answer": call.answer,
                "reason": call.answer_reason,
            }
            for call in calls
        ]
    }
