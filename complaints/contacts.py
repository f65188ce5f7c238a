"""Normalising the contact details customers type."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str) -> str:
    """E.164 form of a phone number; national numbers are read in PHONE_DEFAULT_REGION.

    ``0532 123 45 67`` → ``+905321234567``. Raises ValidationError for anything
    that is not a possible, valid number.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    # The whole address is lower-cased: mailbox names are case-insensitive at
    # every provider our customers use, and matching customers depends on it.
    return (raw or "").strip().lower()
