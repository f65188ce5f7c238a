"""Messages on a complaint, both ways, and staff's internal notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, choices_check
from .complaint import Complaint


class MessageAuthor(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")


class ComplaintMessage(models.Model):
    """A message on a complaint: from the customer, or from staff (internal notes
    are for staff only and never reach the customer or the tracking page)."""

    Author = MessageAuthor

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="messages", verbose_name=_("complaint")
    )
    author_kind = models.CharField(_("from"), max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    internal = models.BooleanField(_("internal note"), default=False)
    # Staff asked the customer for information and wait for the answer
    # (complaints.services.waiting): the resolution clock pauses meanwhile.
    question = models.BooleanField(_("question to the customer"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="message_complaint")]
        constraints = [
            choices_check("author_kind", MessageAuthor),
            choices_check("channel", Channel),
            models.CheckConstraint(
                condition=Q(internal=False) | Q(author_kind="staff"),
                name="message_internal_is_staff",
            ),
            models.CheckConstraint(
                condition=Q(question=False) | (Q(author_kind="staff") & Q(internal=False)),
                name="message_question_is_from_staff_to_the_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
