"""The customer's answer to a decision notice (PROCESS.md stage 8), through
signed, single-use, expiring links."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.codes import DECISION_NOTIFIED
from complaints.models import Answer, Complaint, ComplaintEvent, Stage
from complaints.services import ComplaintError, complaint_record_answer

from . import conf
from .models import Kind, Notification

SALT = "notifications.decision-answer"


class AnswerLinkError(Exception):
    """The link cannot be used; ``reason`` says why, for the page shown instead."""

    reason = "invalid"
    title = _("This link is not valid")
    message = _(
        "The link may be incomplete or mistyped. Please use the link in the message "
        "we sent you exactly as it is, or contact us."
    )


class AnswerLinkInvalid(AnswerLinkError):
    pass


class AnswerLinkExpired(AnswerLinkError):
    reason = "expired"
    title = _("This link has expired")
    message = _(
        "Links to answer a decision are valid for a limited time. Please contact us "
        "and we will record your answer."
    )


class AnswerLinkUsed(AnswerLinkError):
    reason = "used"
    title = _("You have already answered")
    message = _("Your answer to this decision has been recorded. Thank you.")


class AnswerLinkStale(AnswerLinkError):
    reason = "stale"
    title = _("This decision is no longer awaiting your answer")
    message = _(
        "The complaint has moved on since this message was sent. You can follow it "
        "with its tracking number."
    )


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def answer_token_make(*, notification: Notification) -> str:
    return _signer().sign(str(notification.pk))


def answer_urls(*, notification: Notification) -> dict[str, str]:
    """Absolute URLs of the decision page and of its accept and reject pages."""
    token = answer_token_make(notification=notification)
    base = conf.site_url()
    return {
        "answer": base + reverse("notifications:answer", args=[token]),
        "accept": base + reverse("notifications:answer_accept", args=[token]),
        "reject": base + reverse("notifications:answer_reject", args=[token]),
    }


def answer_link_open(*, token: str) -> Notification:
    """The decision notice a link belongs to, if the link may still be used.

    Raises AnswerLinkInvalid (tampered, unknown), AnswerLinkExpired,
    AnswerLinkUsed or AnswerLinkStale (the complaint is no longer waiting for
    an answer to this decision).
    """
    try:
        value = _signer().unsign(token, max_age=conf.answer_link_max_age_seconds())
    except signing.SignatureExpired as exc:
        raise AnswerLinkExpired from exc
    except signing.BadSignature as exc:
        raise AnswerLinkInvalid from exc
    if not value.isdigit():
        raise AnswerLinkInvalid
    notification = (
        Notification.objects.select_related("complaint")
        .filter(pk=int(value), kind=Kind.DECISION)
        .first()
    )
    if notification is None:
        raise AnswerLinkInvalid
    if notification.answered_at is not None:
        raise AnswerLinkUsed
    if not _awaits_answer(notification):
        raise AnswerLinkStale
    return notification


def decision_notice_awaiting(*, complaint: Complaint) -> Notification | None:
    """The decision notice whose links still answer the complaint's decision:
    the one of its latest decision, not used yet (None when there is none, e.g.
    the decision was given by phone to a customer without an address)."""
    if complaint.stage != Stage.DECISION_NOTIFIED:
        return None
    latest = (
        ComplaintEvent.objects.filter(complaint=complaint, action=DECISION_NOTIFIED)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return (
        Notification.objects.filter(
            complaint=complaint, kind=Kind.DECISION, event_id=latest, answered_at__isnull=True
        )
        .order_by("created_at", "id")
        .first()
    )


def _awaits_answer(notification: Notification) -> bool:
    complaint = notification.complaint
    if complaint.stage != Stage.DECISION_NOTIFIED:
        return False
    # After a re-opening and a new decision, the first notice's links are stale.
    latest = (
        ComplaintEvent.objects.filter(complaint=complaint, action=DECISION_NOTIFIED)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return latest is not None and latest == notification.event_id


def decision_answer_record(*, token: str, answer: str, reason: str = "") -> Complaint:
    """Record the customer's answer given through a decision notice's link.

    Accepted: the complaint closes. Rejected (with a reason): back to analysis.
    The link is spent in the same transaction, so it works once; a refusal
    leaves it unspent.
    """
    notification = answer_link_open(token=token)
    with transaction.atomic():
        # Two clicks at once: only one conditional update spends the link.
        spent = Notification.objects.filter(pk=notification.pk, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        if spent != 1:
            raise AnswerLinkUsed
        try:
            return complaint_record_answer(
                complaint=notification.complaint,
                answer=Answer.ACCEPTED if answer == Answer.ACCEPTED else Answer.REJECTED,
                channel=notification.channel,
                reason=reason.strip(),
                actor=None,
            )
        except ComplaintError as exc:
            # Staff recorded an answer (or changed the stage) since the page opened.
            raise AnswerLinkStale from exc
