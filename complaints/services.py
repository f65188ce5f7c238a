"""Everything that changes a complaint. Views, admin, API, tasks and commands
call these functions; nothing else writes the stage."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tracking
from .contacts import normalize_email, normalize_phone
from .models import (
    CONTACT_CHANNELS,
    Answer,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    Customer,
    Kind,
    Language,
    Priority,
    Stage,
)
from .signals import complaint_event
from .workflow import Transition, transition_for

logger = logging.getLogger(__name__)

Actor = AbstractUser | AnonymousUser | None


class ComplaintError(Exception):
    """A request to change a complaint that the process does not allow."""


class TransitionNotAllowed(ComplaintError):
    """No transition leads from the complaint's stage to the one asked for."""


class GuardFailed(ComplaintError):
    """The transition exists but the complaint lacks what it needs; ``errors`` says what."""

    def __init__(self, errors: Mapping[str, str | list[str]]):
        self.errors = {k: v if isinstance(v, list) else [v] for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))


def _check_permission(actor: Actor, permission: str) -> None:
    # actor None means the system itself (a task, a command): no user to check.
    if actor is None:
        return
    if not actor.is_authenticated or not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def event_record(
    *,
    complaint: Complaint,
    action: str,
    actor: Actor = None,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> ComplaintEvent:
    """Append a history row and tell the other apps (inside the caller's transaction)."""
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        actor=_user(actor),
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        data=dict(data or {}),
    )
    complaint_event.send(sender=Complaint, event=event, complaint=complaint)
    return event


# --- Receipt ---------------------------------------------------------------------


def customer_get_or_create(
    *, name: str, email: str = "", phone: str = "", language: str
) -> Customer:
    """The customer with this e-mail (or, without one, this phone), created if new."""
    customer = None
    if email:
        customer = Customer.objects.filter(email=email).first()
    if customer is None and phone:
        customer = Customer.objects.filter(phone=phone).order_by("-id").first()
        if customer is not None and email and customer.email:
            customer = None  # same phone, another person's address: keep them apart
    if customer is None:
        customer = Customer.objects.create(name=name, email=email, phone=phone, language=language)
        return customer
    changed = []
    if email and not customer.email:
        customer.email = email
        changed.append("email")
    if phone and not customer.phone:
        customer.phone = phone
        changed.append("phone")
    if changed:
        customer.save(update_fields=changed)
    return customer


def complaint_submit(
    *,
    kind: str,
    channel: str,
    subject: str,
    description: str,
    name: str,
    email: str = "",
    phone: str = "",
    language: str = Language.TURKISH,
    actor: Actor = None,
    received_at: datetime | None = None,
    acknowledged_in_reply: bool = False,
) -> Complaint:
    """Record a new complaint in `received` and give it a tracking number.

    Phone and in-person complaints are acknowledged in the same step: the
    customer gets the tracking number during the contact (PROCESS.md stage 2).
    So is a complaint whose channel answers at once with the tracking number
    (``acknowledged_in_reply``: the TwiML reply to an inbound SMS); the received
    history row says so, and the notifications app sends no second notice.
    Raises ValidationError with a message per field for bad input.
    """
    errors: dict[str, list[str]] = {}
    name, subject, description = (
        (name or "").strip(),
        (subject or "").strip(),
        (description or "").strip(),
    )
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose a valid kind."))
    if channel not in Channel.values:
        errors.setdefault("channel", []).append(_("Choose a valid channel."))
    if language not in Language.values:
        language = Language.TURKISH
    if not name:
        errors.setdefault("name", []).append(_("Enter a name."))
    elif len(name) > 200:
        errors.setdefault("name", []).append(_("Keep the name within 200 characters."))
    if not subject:
        errors.setdefault("subject", []).append(_("Enter a subject."))
    elif len(subject) > 200:
        errors.setdefault("subject", []).append(_("Keep the subject within 200 characters."))
    if not description:
        errors.setdefault("description", []).append(_("Describe your application."))
    email = normalize_email(email)
    if email:
        try:
            Customer._meta.get_field("email").run_validators(email)
        except ValidationError as exc:
            errors.setdefault("email", []).extend(exc.messages)
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors.setdefault("phone", []).extend(exc.messages)
    no_contact = not email and not phone and "email" not in errors and "phone" not in errors
    if no_contact and channel not in CONTACT_CHANNELS:
        errors.setdefault("email", []).append(_("Give an e-mail address or a phone number."))
    if errors:
        raise ValidationError(errors)

    on_contact = channel in CONTACT_CHANNELS or acknowledged_in_reply
    with transaction.atomic():
        customer = customer_get_or_create(name=name, email=email, phone=phone, language=language)
        complaint = Complaint(
            kind=kind,
            channel=channel,
            customer=customer,
            contact_email=email,
            contact_phone=phone,
            language=language,
            subject=subject,
            description=description,
            received_at=received_at or timezone.now(),
        )
        _save_with_new_tracking_number(complaint)
        event_record(
            complaint=complaint,
            action="complaints.complaint.received",
            actor=actor,
            to_stage=Stage.RECEIVED,
            data={"channel": channel, "kind": kind, "acknowledged_on_contact": on_contact},
        )
        if on_contact:
            complaint = complaint_transition(
                complaint=complaint,
                to=Stage.ACKNOWLEDGED,
                actor=actor,
                note=_("Tracking number given during the contact.")
                if channel in CONTACT_CHANNELS
                else _("Tracking number sent in the reply."),
            )
    return complaint


def _save_with_new_tracking_number(complaint: Complaint, attempts: int = 5) -> None:
    # 54 random bits make a collision very unlikely, but the unique index is the
    # only real guarantee: on a clash, draw again inside a savepoint.
    for attempt in range(attempts):
        complaint.tracking_number = tracking.generate()
        try:
            with transaction.atomic():
                complaint.save(force_insert=True)
            return
        except IntegrityError:
            if not Complaint.objects.filter(tracking_number=complaint.tracking_number).exists():
                raise
            logger.warning("tracking number collision, attempt %s", attempt + 1)
            complaint.pk = None
    raise RuntimeError("could not draw a free tracking number")


# --- The state machine -----------------------------------------------------------


def _describe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    actor: Actor,
    note: str = "",
    fields: Mapping[str, Any] | None = None,
) -> Complaint:
    """Move a complaint to stage ``to``: the one way the stage ever changes.

    Locks the row, finds the transition declared in complaints.workflow, checks
    the actor's permission, applies ``fields`` (only those the transition takes),
    checks the guards, saves with update_fields and appends the history row, all
    in one transaction. Raises TransitionNotAllowed, PermissionDenied or
    GuardFailed and changes nothing when it refuses.
    """
    fields = dict(fields or {})
    with transaction.atomic():
        # Two staff members acting on the same complaint at once: the lock makes
        # the second one see the stage the first one left, and fail cleanly.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        transition = transition_for(locked.kind, locked.stage, to)
        if transition is None:
            raise TransitionNotAllowed(
                _("This application is in stage “%(source)s” and cannot move to “%(target)s”.")
                % {
                    "source": Stage(locked.stage).label,
                    "target": Stage(to).label if to in Stage.values else to,
                }
            )
        _check_permission(actor, transition.permission)
        changed = _apply_fields(locked, transition, fields)
        for default in transition.defaults:
            changed.update(default(locked))
        errors: dict[str, str] = {}
        for guard in transition.guards:
            errors.update(guard(locked))
        if errors:
            raise GuardFailed(errors)
        for effect in transition.effects:
            changed.update(effect(locked))
        source = locked.stage
        locked.stage = transition.target
        changed.update({"stage", "updated_at"})
        locked.save(update_fields=sorted(changed))
        event_record(
            complaint=locked,
            action=transition.action,
            actor=actor,
            from_stage=source,
            to_stage=transition.target,
            note=note,
            data={name: _describe(getattr(locked, name)) for name in sorted(fields)},
        )
    return locked


def _apply_fields(
    complaint: Complaint, transition: Transition, fields: Mapping[str, Any]
) -> set[str]:
    unknown = set(fields) - set(transition.fields)
    if unknown:
        raise GuardFailed(
            {name: _("This step does not take this field.") for name in sorted(unknown)}
        )
    for name, value in fields.items():
        setattr(complaint, name, "" if value is None and _is_text(name) else value)
    names = set(fields)
    if names:
        exclude = [f.name for f in Complaint._meta.concrete_fields if f.name not in names]
        try:
            # Choices, lengths and types of what the caller passed; blanks are the guards' job.
            complaint.clean_fields(exclude=exclude)
        except ValidationError as exc:
            real = {
                name: [m for e in errors if e.code not in {"blank", "null"} for m in e.messages]
                for name, errors in exc.error_dict.items()
            }
            real = {name: messages for name, messages in real.items() if messages}
            if real:
                raise GuardFailed(real) from exc
    return names


def _is_text(name: str) -> bool:
    field = Complaint._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField)


def complaint_record_answer(
    *,
    complaint: Complaint,
    answer: str,
    channel: str,
    reason: str = "",
    actor: Actor = None,
) -> Complaint:
    """The customer's answer to the decision (PROCESS.md stage 8).

    Accepted: the complaint is closed. Rejected: it goes back to analysis to be
    re-evaluated (a re-opening, counted).
    """
    target = Stage.CLOSED if answer == Answer.ACCEPTED else Stage.IN_ANALYSIS
    if answer not in Answer.values:
        raise GuardFailed({"customer_answer": _("Choose accepted or rejected.")})
    return complaint_transition(
        complaint=complaint,
        to=target,
        actor=actor,
        note=reason,
        fields={
            "customer_answer": answer,
            "customer_answer_channel": channel,
            "customer_answer_reason": reason,
        },
    )


# --- Changes that are not stage changes ----------------------------------------


def complaint_assign(*, complaint: Complaint, assignee: Any, actor: Actor) -> Complaint:
    """Hand the complaint to a representative (any open stage)."""
    _check_permission(actor, "complaints.assign_complaint")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if not locked.is_open:
            raise TransitionNotAllowed(_("A closed complaint cannot be reassigned."))
        if locked.assignee_id == getattr(assignee, "pk", None):
            return locked
        previous = locked.assignee
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        event_record(
            complaint=locked,
            action="complaints.complaint.assigned",
            actor=actor,
            data={"from": _describe(previous), "to": _describe(assignee)},
        )
    return locked


def _lock_classified_open(complaint: Complaint, message: str) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.is_open or not locked.priority:
        raise TransitionNotAllowed(message)
    return locked


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise GuardFailed({"priority_override_reason": _("Give a reason for the change.")})
    return reason


def _priority_change(
    *, locked: Complaint, priority: str, override_reason: str, note: str, actor: Actor
) -> None:
    # One history row per priority change: the sla app moves the resolution
    # due date when it sees it.
    previous = locked.priority
    locked.priority = priority
    locked.priority_override_reason = override_reason
    locked.save(update_fields=["priority", "priority_override_reason", "updated_at"])
    event_record(
        complaint=locked,
        action="complaints.complaint.reprioritized",
        actor=actor,
        note=note,
        data={"from": previous, "to": priority},
    )


def complaint_reprioritize(
    *, complaint: Complaint, priority: str, reason: str, actor: Actor
) -> Complaint:
    """Change the priority of a classified, open complaint; the reason is recorded."""
    _check_permission(actor, "complaints.reprioritize_complaint")
    if priority not in Priority.values:
        raise GuardFailed({"priority": _("Choose high, normal or low.")})
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _lock_classified_open(
            complaint, _("Only a classified, open complaint can change its priority.")
        )
        if locked.priority != priority:
            _priority_change(
                locked=locked, priority=priority, override_reason=reason, note=reason, actor=actor
            )
    return locked


def complaint_recategorize(
    *, complaint: Complaint, category: Category, reason: str, actor: Actor
) -> Complaint:
    """Move a classified, open complaint to another category, the reason recorded.

    Some criteria are known only after evaluation (PROCESS.md: "the company is
    not at fault"). The priority follows the new category's default unless
    staff had overridden it; a priority that changes is recorded as such, so
    the resolution due date follows it.
    """
    _check_permission(actor, "complaints.classify_complaint")
    reason = _reason_required(reason)
    if not category.active:
        raise GuardFailed({"category": _("This category is no longer in use.")})
    with transaction.atomic():
        locked = _lock_classified_open(
            complaint, _("Only a classified, open complaint can change its category.")
        )
        previous = locked.category
        if previous is not None and previous.pk == category.pk:
            return locked
        followed_default = previous is None or locked.priority == previous.default_priority
        locked.category = category
        locked.save(update_fields=["category", "updated_at"])
        event_record(
            complaint=locked,
            action="complaints.complaint.recategorized",
            actor=actor,
            note=reason,
            data={"from": _describe(previous), "to": _describe(category)},
        )
        if followed_default and locked.priority != category.default_priority:
            _priority_change(
                locked=locked,
                priority=category.default_priority,
                override_reason="",
                note=reason,
                actor=actor,
            )
        elif locked.priority == category.default_priority and locked.priority_override_reason:
            # The override now agrees with the category: nothing left to explain.
            locked.priority_override_reason = ""
            locked.save(update_fields=["priority_override_reason", "updated_at"])
    return locked


def complaint_message_add(
    *,
    complaint: Complaint,
    body: str,
    author_kind: str,
    channel: str,
    actor: Actor = None,
    internal: bool = False,
) -> ComplaintMessage:
    """A message from the customer or from staff; internal notes stay with staff."""
    body = (body or "").strip()
    if not body:
        raise GuardFailed({"body": _("Write a message.")})
    if author_kind not in ComplaintMessage.Author.values:
        raise GuardFailed({"author_kind": _("Choose customer or staff.")})
    if channel not in Channel.values:
        raise GuardFailed({"channel": _("Choose a valid channel.")})
    if author_kind == ComplaintMessage.Author.STAFF:
        _check_permission(actor, "complaints.add_complaintmessage")
    elif internal:
        raise GuardFailed({"internal": _("Only staff write internal notes.")})
    with transaction.atomic():
        message = ComplaintMessage.objects.create(
            complaint=complaint,
            body=body,
            author_kind=author_kind,
            author=_user(actor) if author_kind == ComplaintMessage.Author.STAFF else None,
            internal=internal,
            channel=channel,
        )
        event_record(
            complaint=complaint,
            action="complaints.message.internal_note"
            if internal
            else f"complaints.message.from_{author_kind}",
            actor=actor if author_kind == ComplaintMessage.Author.STAFF else None,
            data={"message": message.pk, "channel": channel},
        )
    return message
