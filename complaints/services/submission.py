"""Receipt (PROCESS.md stage 1): a new complaint, its customer, its tracking number."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.batch import statements_batched, statements_flush
from common.db import insert_with_child_unless_conflict

from .. import codes, tracking
from ..contacts import normalize_email, normalize_phone
from ..identity import Details, customer_matching
from ..models import (
    CONTACT_CHANNELS,
    Channel,
    Complaint,
    ComplaintEvent,
    Customer,
    Kind,
    Language,
    Stage,
)
from ..models.privacy import PrivacyNotice
from ..permissions import Actor, actor_require
from ..privacy import privacy_notice_fields, privacy_notice_given_by_staff
from ..signals import receipt_fields_apply
from .events import event_announce, event_row
from .transitions import complaint_transition

logger = logging.getLogger(__name__)


def customer_get_or_create(
    *, name: str, email: str = "", phone: str = "", language: str
) -> Customer:
    """The record a new complaint is filed under.

    An existing record only when it agrees with every detail given
    (complaints.identity.customer_matching); otherwise a new record with the
    details as given, which staff see beside any record sharing its e-mail
    address or phone number. Typed details are unverified: an existing record is
    never changed here, and nothing about it reaches the submitter (the
    complaint keeps its own contact, and every notice speaks to that).
    """
    # One query finds the record and holds it (and the other records sharing
    # the e-mail or phone) until the complaint is stored: a merge removing it
    # right now (customer_merge) waits and moves the complaint too, and one
    # that removed it already leaves it out.
    customer = customer_matching(details=Details(name=name, email=email, phone=phone), hold=True)
    if customer is not None:
        return customer
    return Customer.objects.create(name=name, email=email, phone=phone, language=language)


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
    privacy_notice: PrivacyNotice | None = None,
    privacy_notice_given: str = "",
    privacy_notice_version: Any = None,
    then: Callable[[Complaint], object] | None = None,
) -> Complaint:
    """Record a new complaint in `received` and give it a tracking number.

    Phone and in-person complaints are acknowledged in the same step: the
    customer gets the tracking number during the contact (PROCESS.md stage 2).
    So is a complaint whose channel answers at once with the tracking number
    (``acknowledged_in_reply``: the TwiML reply to an inbound SMS or WhatsApp message); the received
    history row says so, and the notifications app sends no second notice.
    ``privacy_notice_version``: the version a client says it showed, recorded
    when it exists (else the version in force) without a query of its own.
    Raises ValidationError with a message per field for bad input.

    ``then(complaint)`` does more work in the same transaction once the
    complaint is recorded (intake: its idempotency keys, the files); what it
    raises rolls the complaint back too. So the web form's and the API's whole
    submission is one transaction of at most ten statements, with no savepoint
    (tests/intake/test_submission_statements.py).
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
            contact_name=name,
            contact_email=email,
            contact_phone=phone,
            language=language,
            subject=subject,
            description=description,
            received_at=received_at or timezone.now(),
        )
        for field, value in privacy_notice_fields(
            channel=channel,
            notice=privacy_notice,
            given=privacy_notice_given,
            version=privacy_notice_version,
        ).items():
            setattr(complaint, field, value)
        # The other apps' fields of a new complaint (sla: the acknowledgement
        # due date) go into the INSERT rather than an UPDATE after it.
        receipt_fields_apply(complaint)
        received = event_row(
            complaint=complaint,
            action=codes.RECEIVED,
            actor=actor,
            to_stage=Stage.RECEIVED,
            data={"channel": channel, "kind": kind, "acknowledged_on_contact": on_contact},
        )
        # The complaint and its first history row in one statement, then the
        # other apps told, as event_record tells them. What they write (the
        # notice, the figures) and ``then``'s keys are not read back before
        # the commit: sent together, in one round trip (common.batch).
        _insert_with_new_tracking_number(complaint, received)
        with statements_batched():
            event_announce(received)
            if on_contact:
                statements_flush()  # the transition reads the figures
                complaint = complaint_transition(
                    complaint=complaint,
                    to=Stage.ACKNOWLEDGED,
                    actor=actor,
                    note=_("Tracking number given during the contact.")
                    if channel in CONTACT_CHANNELS
                    else _("Tracking number sent in the reply."),
                )
            if then is not None:
                then(complaint)
    return complaint


# Complaints staff record themselves: taken on the phone or at the desk, or
# typed in from an e-mail or a text that reached someone directly. Web and API
# submissions come from the customer (or a partner), never from staff.
STAFF_CHANNELS: tuple[Channel, ...] = (
    Channel.PHONE,
    Channel.IN_PERSON,
    Channel.EMAIL,
    Channel.SMS,
)


def complaint_register(
    *, actor: Actor, channel: str, privacy_notice_read_out: bool = False, **fields: Any
) -> Complaint:
    """A complaint recorded by staff (the admin's form and the staff API alike)."""
    actor_require(actor, "complaints.add_complaint")
    if channel not in STAFF_CHANNELS:
        raise ValidationError(
            {"channel": [_("Staff record complaints taken by phone, in person, e-mail or SMS.")]}
        )
    given = privacy_notice_given_by_staff(channel=channel, read_out=privacy_notice_read_out)
    return complaint_submit(actor=actor, channel=channel, privacy_notice_given=given, **fields)


def _insert_with_new_tracking_number(
    complaint: Complaint, received: ComplaintEvent, attempts: int = 5
) -> None:
    """INSERT the new complaint under a tracking number nobody holds, and its
    ``received`` history row with it (one statement on PostgreSQL).

    54 random bits make a collision very unlikely, but the unique index is the
    only real guarantee: ``ON CONFLICT DO NOTHING`` returns no row on a clash,
    writing neither row, and another number is drawn. Unlike a savepoint around
    a plain INSERT, this costs no statement on the usual path and leaves the
    caller's transaction usable on a clash. Values given as expressions (the
    privacy notice's) come back with the new id.
    """
    computed = [
        f
        for f in Complaint._meta.local_concrete_fields
        if hasattr(getattr(complaint, f.attname), "resolve_expression")
    ]
    for attempt in range(attempts):
        complaint.tracking_number = tracking.generate()
        if (
            insert_with_child_unless_conflict(
                complaint, received, link="complaint", returning=computed
            )
            is not None
        ):
            return
        if not Complaint.objects.filter(tracking_number=complaint.tracking_number).exists():
            # Not a clash of numbers (SQLite's OR IGNORE also skips a failed CHECK).
            raise IntegrityError("the new complaint was not inserted")
        logger.warning("tracking number collision, attempt %s", attempt + 1)
    raise RuntimeError("could not draw a free tracking number")
