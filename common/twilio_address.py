"""The addresses Twilio uses in ``From`` and ``To``, read and written one way for
both apps (intake's webhooks, notifications' transport and status callbacks).

An SMS address is a number in E.164 (``+905321234567``) or, for some senders,
an alphanumeric id; a WhatsApp address is the same number behind the
``whatsapp:`` prefix (``whatsapp:+905321234567``). The prefix is matched
without regard to case and spaces around it, as Twilio's own parsers do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WHATSAPP_PREFIX = "whatsapp:"

# E.164: a plus, a country code that does not start with 0, at most 15 digits.
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


@dataclass(frozen=True)
class TwilioAddress:
    """``number`` is the address without its prefix, as sent (not validated)."""

    number: str
    whatsapp: bool

    @property
    def is_e164(self) -> bool:
        return bool(_E164.match(self.number))

    def __str__(self) -> str:
        return f"{WHATSAPP_PREFIX}{self.number}" if self.whatsapp else self.number


def parse(address: str) -> TwilioAddress:
    """``"whatsapp:+905321234567"`` → ``TwilioAddress("+905321234567", whatsapp=True)``."""
    text = str(address or "").strip()
    if text[: len(WHATSAPP_PREFIX)].lower() == WHATSAPP_PREFIX:
        return TwilioAddress(text[len(WHATSAPP_PREFIX) :].strip(), whatsapp=True)
    return TwilioAddress(text, whatsapp=False)


def is_whatsapp(address: str) -> bool:
    return parse(address).whatsapp


def whatsapp_address(number: str) -> str:
    """The WhatsApp address of a number (given with or without the prefix)."""
    return str(TwilioAddress(parse(number).number, whatsapp=True))
