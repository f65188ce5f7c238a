"""The process-satisfaction survey: invite once after closure, record one
answer through a signed, single-use, expiring link, honour an opt-out, and
tell the representative of a low score."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

import phonenumbers
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import codes as complaint_codes
from complaints.models import Complaint
from complaints.services import event_record

from .. import codes, conf
from ..models import SCORE_FIELDS, SurveyInvitation, SurveyOptOut, SurveyResponse
from ..models.survey import InvitationMedium

logger = logging.getLogger(__name__)

SALT = "improvement.survey"
NOTICE = "survey_invitation"
LOW_SCORE_NOTICE = "survey_low_score"

# Numbers an SMS can reach. A fixed line (or a number whose type is unknown)
# cannot be texted: a customer whose only contact is such a phone gets no
# invitation (staff ask on the phone if they wish).
_TEXTABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class SurveyLinkError(Exception):
    reason = "invalid"


class SurveyLinkInvalid(SurveyLinkError):
    pass


class SurveyLinkExpired(SurveyLinkError):
    reason = "expired"


class SurveyLinkUsed(SurveyLinkError):
    reason = "used"


def phone_is_textable(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _TEXTABLE


def survey_medium(*, complaint: Complaint) -> str | None:
    """How the invitation reaches the customer: e-mail when given, else SMS to a
    mobile number (the same order the notices follow), else not at all."""
    if complaint.contact_email:
        return InvitationMedium.EMAIL
    if complaint.contact_phone and phone_is_textable(complaint.contact_phone):
        return InvitationMedium.SMS
    return None


def _signer() -> signing.Signer:
    # HMAC-SHA256 of the invitation id with SECRET_KEY and this salt: the id
    # is visible, the signature cannot be guessed. Expiry and single use are
    # the invitation row's (expires_at, responded_at), so the opt-out link
    # keeps working after the survey link has expired or been used.
    return signing.Signer(salt=SALT)


def survey_token(*, invitation: SurveyInvitation) -> str:
    return _signer().sign(str(invitation.pk))


def survey_urls(*, invitation: SurveyInvitation) -> dict[str, str]:
    token = survey_token(invitation=invitation)
    base = conf.site_url()
    return {
        "url": base + reverse("survey:answer", args=[token]),
        "opt_out_url": base + reverse("survey:opt_out", args=[token]),
    }


def survey_invite(*, complaint: Complaint) -> SurveyInvitation | None:
    """After closure, invite the customer once (inside the closing transaction).

    Records ``complaints.customer.invited`` with the link, to which the app
    that delivers messages reacts; or ``improvement.survey.not_invited`` with
    the reason (opted out, no contact that can be reached in writing).
    Running it again for the same complaint changes nothing.
    """
    existing = SurveyInvitation.objects.filter(complaint=complaint).first()
    if existing is not None:
        return existing
    reason = ""
    medium = survey_medium(complaint=complaint)
    if SurveyOptOut.objects.filter(customer_id=complaint.customer_id).exists():
        reason = "opted_out"
    elif medium is None:
        reason = "no_written_contact"
    if reason or medium is None:
        event_record(
            complaint=complaint,
            action=codes.SURVEY_NOT_INVITED,
            data={"reason": reason or "no_written_contact"},
        )
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                complaint=complaint,
                customer_id=complaint.customer_id,
                medium=medium,
                language=complaint.language,
                created_at=now,
                expires_at=now + timedelta(days=conf.survey_link_max_age_days()),
            )
    except IntegrityError:
        # Another close of the same complaint got there first (one per complaint).
        return SurveyInvitation.objects.filter(complaint=complaint).first()
    event_record(
        complaint=complaint,
        action=complaint_codes.CUSTOMER_INVITED,
        note=_("Process-satisfaction survey"),
        data={
            "notice": NOTICE,
            "invitation": invitation.pk,
            "valid_until": invitation.expires_at.isoformat(),
            **survey_urls(invitation=invitation),
        },
    )
    return invitation


def survey_link_invitation(*, token: str) -> SurveyInvitation:
    """The invitation a link belongs to, used or expired ones included."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature as exc:
        raise SurveyLinkInvalid from exc
    if not value.isdigit():
        raise SurveyLinkInvalid
    invitation = (
        SurveyInvitation.objects.select_related("complaint", "complaint__category")
        .filter(pk=int(value))
        .first()
    )
    if invitation is None:
        raise SurveyLinkInvalid
    return invitation


def survey_open(*, token: str) -> SurveyInvitation:
    """The invitation a survey link belongs to, if it may still be answered.

    Raises SurveyLinkInvalid (tampered, unknown), SurveyLinkUsed or SurveyLinkExpired.
    """
    invitation = survey_link_invitation(token=token)
    if invitation.responded_at is not None:
        raise SurveyLinkUsed
    if invitation.is_expired:
        raise SurveyLinkExpired
    return invitation


def survey_answer(
    *, token: str, scores: Mapping[str, int], comment: str = "", language: str = ""
) -> SurveyResponse:
    """Record the answer given through a survey link: once.

    A score at or below IMPROVEMENT_SURVEY_ALERT_MAX_SCORE on any question
    alerts the representative (``complaints.staff.alerted``), in the same
    transaction.
    """
    invitation = survey_open(token=token)
    values = {name: int(scores[name]) for name in SCORE_FIELDS}
    if any(not 1 <= value <= 5 for value in values.values()):
        raise ValueError("scores are 1 to 5")
    now = timezone.now()
    with transaction.atomic():
        # Two submits at once: only one conditional update spends the link.
        spent = SurveyInvitation.objects.filter(
            pk=invitation.pk, responded_at__isnull=True, expires_at__gt=now
        ).update(responded_at=now)
        if spent != 1:
            raise SurveyLinkUsed
        response = SurveyResponse.objects.create(
            invitation=invitation,
            comment=comment.strip()[:4000],
            language=language or invitation.language,
            created_at=now,
            **values,
        )
        complaint = invitation.complaint
        event_record(
            complaint=complaint,
            action=codes.SURVEY_ANSWERED,
            data={"response": response.pk, **values},
        )
        low = sorted(
            name for name, value in values.items() if value <= conf.survey_alert_max_score()
        )
        if low:
            event_record(
                complaint=complaint,
                action=complaint_codes.STAFF_ALERTED,
                note=_("Low score in the satisfaction survey"),
                data={
                    "notice": LOW_SCORE_NOTICE,
                    "group": conf.representative_group(),
                    "url": conf.site_url()
                    + reverse("admin:complaints_complaint_change", args=[complaint.pk]),
                    "scores": values,
                    "low": low,
                    "comment": response.comment[:500],
                },
            )
    return response


def survey_opt_out(*, token: str) -> SurveyOptOut:
    """The customer asks for no more invitations (from any of their links, used
    or expired ones included). Recorded once; later closures are not invited."""
    invitation = survey_link_invitation(token=token)
    with transaction.atomic():
        opt_out, created = SurveyOptOut.objects.get_or_create(
            customer_id=invitation.customer_id, defaults={"invitation": invitation}
        )
        if created:
            event_record(
                complaint=invitation.complaint,
                action=codes.SURVEY_OPTED_OUT,
                data={"invitation": invitation.pk},
            )
    return opt_out
