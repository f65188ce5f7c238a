"""/webhooks/: inbound channels that are not anymail's (Twilio SMS)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
