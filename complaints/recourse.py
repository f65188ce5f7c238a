"""Where else the customer can go (PROCESS.md, ours, binding): when the
customer rejects a decision, and when a complaint closes, they are told where
else they can apply, in the company's text, edited by staff in Turkish and
English.

The text is versioned like the privacy notice (complaints.texts): the
rejection and closure notices carry the version in force when they are
written and record it (notifications), the customer's page shows the version
in force, and every version stays readable at /recourse/<version>/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import Answer, Complaint, RecourseText, Stage
from .permissions import Actor
from .texts import text_current, text_get, text_publish

PUBLISH_PERMISSION = "complaints.add_recoursetext"


def recourse_text_current() -> RecourseText | None:
    """The version in force: the latest published."""
    return text_current(RecourseText)


def recourse_text_get(version: Any) -> RecourseText | None:
    """The version with this number, or None."""
    return text_get(RecourseText, version)


def recourse_text_publish(*, text_tr: str, text_en: str, actor: Actor) -> RecourseText:
    """Publish a new version (the current one when neither text changed); a
    published version is never edited, so an old notice's text stays readable."""
    return text_publish(
        RecourseText,
        text_tr=text_tr,
        text_en=text_en,
        actor=actor,
        permission=PUBLISH_PERMISSION,
    )


def recourse_url(text: RecourseText) -> str:
    """The absolute address of this version, for the texts sent to customers."""
    path = reverse("recourse:text_version", args=[text.version])
    return str(getattr(settings, "SITE_URL", "")).rstrip("/") + path


def recourse_is_due(complaint: Complaint) -> bool:
    """Whether the customer is to be told where else they can apply: the
    complaint is closed, or they rejected the decision (and no new decision
    has been notified since: a new decision clears the answer)."""
    return complaint.stage == Stage.CLOSED or complaint.customer_answer == Answer.REJECTED
