"""/webhooks/: inbound channels that are not anymail's (Twilio SMS and WhatsApp).

Inbound e-mail arrives on anymail's own URLs (/anymail/<esp>/inbound/) and
reaches intake.handlers through anymail's inbound signal.
"""

from django.urls import path

from . import webhooks

urlpatterns = [
    path("twilio/sms/", webhooks.twilio_sms, name="twilio-sms"),
    path("twilio/whatsapp/", webhooks.twilio_whatsapp, name="twilio-whatsapp"),
]
