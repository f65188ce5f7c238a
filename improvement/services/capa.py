"""The corrective-action register: open, edit, move through the declared
steps (improvement.capa_workflow), and escalate an overdue action once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Category, Complaint, RootCause
from complaints.permissions import Actor, actor_require, actor_user
from complaints.services import TransitionNotAllowed, describe, event_record

from .. import codes, conf
from ..capa_workflow import ACTIVE_STATUSES, CapaStatus, capa_transition_by_name
from ..models import CapaEvent, CorrectiveAction, RecurrenceSignal
from .recurrence import signal_week_bounds

logger = logging.getLogger(__name__)


class CapaGuardFailed(ValidationError):
    """A step's rules are not met: ``errors`` maps fields to messages."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = {k: v if isinstance(v, list) else [str(v)] for k, v in errors.items()}
        super().__init__(self.errors)


def capa_event_record(
    *,
    capa: CorrectiveAction,
    action: str,
    actor: Actor = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> CapaEvent:
    return CapaEvent.objects.create(
        capa=capa,
        action=action,
        actor=actor_user(actor),
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=dict(data or {}),
    )


def _complaints_linked(
    *, capa: CorrectiveAction, complaints: Iterable[Complaint], actor: Actor
) -> None:
    # Each complaint's own history says which action took it up.
    for complaint in complaints:
        event_record(
            complaint=complaint,
            action=codes.CAPA_LINKED,
            actor=actor,
            note=str(capa),
            data={"capa": capa.pk, "reference": capa.reference},
        )


def capa_open(
    *,
    title: str,
    problem_statement: str,
    actor: Actor,
    owner: Any = None,
    due_date: date | None = None,
    categories: Iterable[Category] = (),
    root_causes: Iterable[RootCause] = (),
    complaints: Iterable[Complaint] = (),
    signal: RecurrenceSignal | None = None,
) -> CorrectiveAction:
    actor_require(actor, "improvement.add_correctiveaction")
    with transaction.atomic():
        capa = CorrectiveAction.objects.create(
            title=title,
            problem_statement=problem_statement,
            owner=owner,
            due_date=due_date,
            signal=signal,
            created_by=actor_user(actor),
        )
        capa.categories.set(list(categories))
        capa.root_causes.set(list(root_causes))
        linked = list(complaints)
        capa.complaints.set(linked)
        capa_event_record(
            capa=capa,
            action=codes.CAPA_OPENED,
            actor=actor,
            to_status=capa.status,
            data={"signal": signal.pk if signal else None},
        )
        _complaints_linked(capa=capa, complaints=linked, actor=actor)
    return capa


def capa_prefill_from_signal(*, signal: RecurrenceSignal) -> dict[str, Any]:
    """What "open a corrective action" fills in from a recurring-problem signal."""
    key = signal.key
    title = _("Recurring: %(key)s, week of %(week)s") % {
        "key": key.name if key else "?",
        "week": signal.week.isoformat(),
    }
    problem = _(
        "%(count)s complaints in the week of %(week)s against a control limit of %(limit).1f "
        "(mean of the previous weeks %(mean).1f)."
    ) % {
        "count": signal.count,
        "week": signal.week.isoformat(),
        "limit": signal.limit,
        "mean": signal.mean,
    }
    initial: dict[str, Any] = {
        "title": title[:200],
        "problem_statement": problem,
        "signal": signal.pk,
    }
    if signal.category_id:
        initial["categories"] = [signal.category_id]
    if signal.root_cause_id:
        initial["root_causes"] = [signal.root_cause_id]
    # The week's complaints behind the signal (at most 50), linked at once.
    start, end = signal_week_bounds(signal)
    scope: dict[str, Any] = {"category_id": signal.category_id}
    if signal.root_cause_id:
        scope = {"root_cause_id": signal.root_cause_id}
    initial["complaints"] = list(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end, **scope)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:50]
    )
    return initial


def capa_saved(
    *,
    capa: CorrectiveAction,
    actor: Actor,
    created: bool,
    changed: Iterable[str],
    complaints_before: Iterable[int] = (),
) -> None:
    """Record what the register's form saved (the admin saves the fields its
    form edits; the status only ever changes through capa_transition)."""
    actor_require(
        actor,
        "improvement.add_correctiveaction" if created else "improvement.change_correctiveaction",
    )
    changed = sorted(set(changed))
    with transaction.atomic():
        if created:
            capa_event_record(
                capa=capa, action=codes.CAPA_OPENED, actor=actor, to_status=capa.status
            )
        elif changed:
            capa_event_record(
                capa=capa, action=codes.CAPA_CHANGED, actor=actor, data={"fields": changed}
            )
        before = set(complaints_before)
        added = list(capa.complaints.exclude(pk__in=before))
        _complaints_linked(capa=capa, complaints=added, actor=actor)


def capa_transition(
    *,
    capa: CorrectiveAction,
    name: str,
    actor: Actor,
    note: str = "",
    fields: Mapping[str, Any] | None = None,
) -> CorrectiveAction:
    """Move a corrective action along the step ``name``: the only way its status changes.

    Locks the row, checks the step exists from the current status and the
    actor's permission, applies ``fields`` (only those the step takes), checks
    the guards, runs the effects (a verdict measures the recurrence before and
    after), saves with update_fields and appends the history row, in one
    transaction. Raises TransitionNotAllowed, PermissionDenied or CapaGuardFailed.
    """
    fields = dict(fields or {})
    with transaction.atomic():
        # Two managers judging at once: the second sees the first one's status.
        locked = CorrectiveAction.objects.select_for_update().get(pk=capa.pk)
        transition = capa_transition_by_name(name)
        if transition is None or transition.source != locked.status:
            raise TransitionNotAllowed(
                _("This corrective action is “%(status)s”: this step is not possible.")
                % {"status": CapaStatus(locked.status).label}
            )
        actor_require(actor, transition.permission)
        unknown = set(fields) - set(transition.fields)
        if unknown:
            raise CapaGuardFailed({n: _("This step does not take this field.") for n in unknown})
        for field_name, value in fields.items():
            setattr(locked, field_name, value)
        changed = set(fields)
        errors: dict[str, str] = {}
        for guard in transition.guards:
            errors.update(guard(locked))
        if errors:
            raise CapaGuardFailed(errors)
        for effect in transition.effects:
            changed.update(effect(locked))
        source = locked.status
        locked.status = transition.target
        changed.update({"status", "updated_at"})
        locked.save(update_fields=sorted(changed))
        data = {n: describe(getattr(locked, n)) for n in sorted(fields)}
        if locked.measured_at is not None and "measured_at" in changed:
            data.update(
                recurrence_before=locked.recurrence_before,
                recurrence_after=locked.recurrence_after,
                period_days=locked.measurement_period_days,
            )
        capa_event_record(
            capa=locked,
            action=transition.action,
            actor=actor,
            from_status=source,
            to_status=transition.target,
            note=note,
            data=_jsonable(data),
        )
    return locked


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


# --- The overdue sweep -------------------------------------------------------------------


def capa_escalate_overdue(*, today: date | None = None) -> list[int]:
    """Escalate, once, each action still to do whose due date has passed: a
    history row and an e-mail to its owner and the managers.

    Safe to run twice and alongside itself: each action is claimed with a
    conditional UPDATE ... WHERE escalated_at IS NULL that only one run can
    win; the e-mail leaves after that claim commits. Reads the partial index
    capa_overdue_pending (actions still to do, not escalated).
    """
    today = today or timezone.localdate()
    overdue = models.Q(status__in=ACTIVE_STATUSES, escalated_at__isnull=True, due_date__lt=today)
    escalated: list[int] = []
    for pk in list(CorrectiveAction.objects.filter(overdue).values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            now = timezone.now()
            claimed = CorrectiveAction.objects.filter(overdue, pk=pk).update(
                escalated_at=now, updated_at=now
            )
            if claimed != 1:
                continue  # another run took it, or it was done meanwhile
            capa = CorrectiveAction.objects.select_related("owner").get(pk=pk)
            capa_event_record(
                capa=capa,
                action=codes.CAPA_ESCALATED,
                data={"due_date": capa.due_date.isoformat() if capa.due_date else None},
            )
            transaction.on_commit(partial(_send_overdue_mail, capa_id=pk))
        escalated.append(pk)
    return escalated


def escalation_recipients(capa: CorrectiveAction) -> list[str]:
    User = get_user_model()
    users = list(
        User.objects.filter(is_active=True, groups__name=conf.manager_group())
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    if capa.owner is not None:
        users.insert(0, capa.owner)
    seen: list[str] = []
    for user in users:
        email = (user.email or "").strip()
        if user.is_active and email and email.lower() not in {s.lower() for s in seen}:
            seen.append(email)
    return seen


def _send_overdue_mail(*, capa_id: int) -> None:
    # After the claim committed: a failure here is logged, and the escalation
    # stays visible on the register and in the action's history. The outbox
    # (notifications) holds notices about complaints; an action is not one.
    capa = CorrectiveAction.objects.select_related("owner").get(pk=capa_id)
    recipients = escalation_recipients(capa)
    if not recipients:
        return
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "capa": capa,
            "url": conf.site_url()
            + reverse("admin:improvement_correctiveaction_change", args=[capa.pk]),
        }
        subject = " ".join(
            render_to_string("improvement/email/capa_overdue_subject.txt", context).split()
        )
        body = render_to_string("improvement/email/capa_overdue_body.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("corrective action %s: could not e-mail the overdue escalation", capa_id)
