"""New complaints by e-mail or SMS count against a limit per sender
(INTAKE_RATE_LIMITS["sender"], default the form's 20/h): the webhooks' own
600/min per provider address is no way around the submit limit. A message on
an existing complaint does not count."""

import pytest

from complaints.models import Complaint, ComplaintMessage
from intake import conf
from intake.models import InboundMessage
from tests.factories import make_complaint

from .test_inbound_email import post as post_email
from .test_inbound_email import postmark_payload
from .test_inbound_sms import params
from .test_inbound_sms import post as post_sms

pytestmark = pytest.mark.django_db

Outcome = InboundMessage.Outcome


@pytest.fixture(autouse=True)
def _small_limit(settings, tmp_path):
    from .test_inbound_email import SECRET
    from .test_inbound_sms import TOKEN

    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.MEDIA_ROOT = tmp_path
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.INTAKE_RATE_LIMITS = {"sender": "2/h"}


def test_the_default_is_the_forms_limit(settings):
    del settings.INTAKE_RATE_LIMITS
    assert conf.rate_limits()["sender"] == conf.rate_limits()["submit"] == "20/h"


def email(i: int, sender: str = "ayse@example.com", subject: str = "Faturam yanlış"):
    return post_email(
        postmark_payload(message_id=f"<m{i}@mail.example.com>", sender=sender, subject=subject)
    )


def test_new_complaints_by_email_stop_at_the_senders_limit():
    for i in range(3):
        assert email(i).status_code == 200
    assert Complaint.objects.count() == 2
    refused = InboundMessage.objects.latest("pk")
    assert refused.outcome == Outcome.IGNORED
    assert refused.data["reason"] == "sender limit"
    assert refused.complaint is None


def test_another_sender_is_not_affected():
    for i in range(3):
        email(i)
    email(9, sender="mehmet@example.com")
    assert Complaint.objects.filter(contact_email="mehmet@example.com").count() == 1


def test_a_message_on_an_existing_complaint_does_not_count_and_is_not_limited():
    complaint = make_complaint(email="ayse@example.com")
    for i in range(3):
        email(i, subject=f"Re: {complaint.tracking_number}")
    assert Complaint.objects.count() == 1
    assert complaint.messages.filter(author_kind=ComplaintMessage.Author.CUSTOMER).count() == 3
    # ...and the sender can still open two new ones.
    email(10)
    email(11)
    assert Complaint.objects.count() == 3


def test_new_complaints_by_sms_stop_at_the_senders_limit_without_a_reply():
    replies = [
        post_sms(params(f"İnternet yok {i}", sid=f"SM{i:032d}")).content.decode() for i in range(3)
    ]
    assert Complaint.objects.count() == 2
    refused = InboundMessage.objects.latest("pk")
    assert (refused.outcome, refused.data["reason"]) == (Outcome.IGNORED, "sender limit")
    # No SMS back: answering a flood would multiply it (and its cost).
    assert "<Message>" not in replies[2]
    assert refused.reply == ""


def test_a_redelivery_of_the_same_message_is_not_counted_twice():
    for _ in range(3):
        email(1)
    email(2)
    assert Complaint.objects.count() == 2
