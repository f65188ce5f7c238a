"""The customer record: how staff group the complaints of one person."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Language, choices_check
from .privacy import CustomerPrivacyFields


class Customer(CustomerPrivacyFields, models.Model):
    """A record of a person, as first given with a complaint, that groups complaints.

    Contact details typed at intake are unverified, so a record is never changed
    by intake and never tells a submitter anything (see complaints.identity);
    two records may share an e-mail address or a phone number: staff see them
    as "possibly the same customer" and merge them deliberately.
    """

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.TURKISH
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("merge_customer", _("Can merge customers")),
            # Data-subject requests (KVKK article 11; complaints.privacy_requests).
            ("export_customer", "Can export everything held about a customer"),
            ("anonymise_customer", "Can anonymise a customer now"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="customer_email_lower"),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__startswith="+"), name="customer_phone_e164"
            ),
            choices_check("language", Language),
        ]

    def __str__(self) -> str:
        return self.name
