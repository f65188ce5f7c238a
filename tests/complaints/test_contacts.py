"""Contact details as customers type them, normalised so the same person is
recognised however they write their number or address."""

import pytest
from django.core.exceptions import ValidationError

from complaints.contacts import normalize_email, normalize_phone


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0532 123 45 67", "+905321234567"),
        ("+90 532 123 45 67", "+905321234567"),
        ("05321234567", "+905321234567"),
        ("(0212) 555 12 34", "+902125551234"),
        ("  0532-123-45-67 ", "+905321234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
    ids=["mobile", "international", "compact", "istanbul-landline", "dashed", "foreign"],
)
def test_a_phone_number_is_stored_in_e164(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["123", "abc", "0532", "+90 532", "0532 123 45 67 89 01"])
def test_a_number_that_cannot_be_dialled_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)

    assert refused.value.code == "invalid_phone"


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_no_phone_number_is_an_empty_one(typed):
    assert normalize_phone(typed) == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ayse.Yilmaz@Example.COM", "ayse.yilmaz@example.com"),
        ("  ayse@example.com\t", "ayse@example.com"),
        ("AYSE@EXAMPLE.COM", "ayse@example.com"),
        ("", ""),
        (None, ""),
    ],
    ids=["mixed-case", "padded", "upper-case", "empty", "none"],
)
def test_an_email_address_is_lower_cased_and_stripped(typed, stored):
    assert normalize_email(typed) == stored
