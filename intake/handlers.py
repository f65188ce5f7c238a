"""Every reaction of the intake app to a signal, in one place.

- ``anymail.signals.inbound`` (an e-mail posted to ``/anymail/<esp>/inbound/``,
  after anymail checked the WEBHOOK_SECRET basic auth) → ``inbound_email_receive``.

An exception here makes anymail answer 500, and the provider delivers again
later; the Message-ID makes that redelivery safe.
"""

from __future__ import annotations

from typing import Any

from .inbound import inbound_email_receive


def on_inbound_email(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    inbound_email_receive(message=event.message, esp_name=esp_name, event_id=event.event_id)
