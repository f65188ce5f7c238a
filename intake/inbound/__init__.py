"""Inbound e-mail, SMS and WhatsApp: what arrives, stored once, routed to the one
intake service.

- ``routing``: claiming a message by its provider id and routing it (a new
  complaint, a message on one, a follow-up of a closed one), shared by every channel;
- ``email``: anymail's inbound messages (any provider anymail supports);
- ``sms``: Twilio's inbound SMS and WhatsApp messages (a ``whatsapp:`` sender),
  including ``DURUM`` / ``STATUS``.

docs/channels.md describes the behaviour.
"""

from .email import inbound_email_receive
from .routing import clean_text, find_tracking_numbers
from .sms import inbound_sms_receive, inbound_twilio_receive

__all__ = [
    "clean_text",
    "find_tracking_numbers",
    "inbound_email_receive",
    "inbound_sms_receive",
    "inbound_twilio_receive",
]
