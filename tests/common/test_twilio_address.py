"""The one reading of Twilio's From / To addresses (SMS and WhatsApp)."""

import pytest

from common import twilio_address
from common.twilio_address import TwilioAddress


@pytest.mark.parametrize(
    ("address", "parsed"),
    [
        ("whatsapp:+905321234567", TwilioAddress("+905321234567", whatsapp=True)),
        (" WhatsApp: +905321234567 ", TwilioAddress("+905321234567", whatsapp=True)),
        ("+905321234567", TwilioAddress("+905321234567", whatsapp=False)),
        ("KEYINTERNET", TwilioAddress("KEYINTERNET", whatsapp=False)),
        ("whatsapp:", TwilioAddress("", whatsapp=True)),
        ("", TwilioAddress("", whatsapp=False)),
    ],
)
def test_an_address_is_its_number_and_whether_it_is_whatsapp(address, parsed):
    assert twilio_address.parse(address) == parsed


@pytest.mark.parametrize(
    ("number", "e164"),
    [("+905321234567", True), ("905321234567", False), ("+0532", False), ("+90 532", False)],
)
def test_e164_is_a_plus_and_up_to_15_digits(number, e164):
    assert twilio_address.parse(f"whatsapp:{number}").is_e164 is e164


def test_the_whatsapp_address_of_a_number_has_the_prefix_once():
    assert twilio_address.whatsapp_address("+905321234567") == "whatsapp:+905321234567"
    assert twilio_address.whatsapp_address("whatsapp:+905321234567") == "whatsapp:+905321234567"
    assert str(twilio_address.parse("+905321234567")) == "+905321234567"


def test_only_the_prefix_makes_an_address_whatsapp():
    assert twilio_address.is_whatsapp("whatsapp:+905321234567")
    assert not twilio_address.is_whatsapp("+905321234567")
    assert not twilio_address.is_whatsapp("sms:whatsapp:+90")
