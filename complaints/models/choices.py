"""The enumerations of the model, and the constraint that keeps a column within one."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")
    # Twilio's WhatsApp webhook (docs/channels.md): threaded and answered like SMS.
    WHATSAPP = "whatsapp", _("WhatsApp")


# PROCESS.md stage 2: these channels get the tracking number during the contact.
CONTACT_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Language(models.TextChoices):
    TURKISH = "tr", "Türkçe"
    ENGLISH = "en", "English"


def choices_check(name: str, choices: type[models.TextChoices], *, blank: bool = False):
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{name}__in": values}), name=f"%(class)s_{name}_valid"
    )
