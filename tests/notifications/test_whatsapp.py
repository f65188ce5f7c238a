"""Answers on WhatsApp (issue 9.7): a customer who wrote on WhatsApp is answered
there while WhatsApp's customer-service window is open (23 h of its 24, a
margin); later the notice goes by e-mail, else by SMS to the same number. The
Twilio backend sends to ``whatsapp:+90…`` from TWILIO_WHATSAPP_FROM, and
Twilio's status callbacks update the notice as for SMS."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import checks
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from complaints.models import Complaint, Stage
from complaints.services import complaint_message_add
from notifications import segments
from notifications.dev_outbox import DevOutboxSMSBackend
from notifications.errors import PermanentDeliveryError
from notifications.models import Medium, Notification, Status
from notifications.notices import customer_contact
from notifications.services import notification_send
from notifications.sms import ConsoleSMSBackend, TwilioSMSBackend
from tests.helpers import advance

from .conftest import SITE_URL, TWILIO_SID, TWILIO_TOKEN

pytestmark = pytest.mark.django_db

CUSTOMER = "+905321234567"
WHATSAPP_FROM = "+908501234567"
WEBHOOK = "/webhooks/twilio/whatsapp/"
CALLBACK = SITE_URL + "/notices/twilio/status/"
LONG_REPLY = " ".join(["Hattınızda yaptığımız ölçümlerin sonuçları şöyle:"] * 20)


@pytest.fixture(autouse=True)
def _whatsapp(settings: Any) -> None:
    settings.TWILIO_WHATSAPP_ENABLED = True
    settings.TWILIO_WHATSAPP_FROM = WHATSAPP_FROM


def wrote_on_whatsapp(committed: Any, body: str = "Üç gündür internetim yok.") -> Complaint:
    """The customer writes on WhatsApp: Twilio's signed webhook, as Twilio posts it."""
    data = {
        "MessageSid": "SM" + "1" * 32,
        "SmsMessageSid": "SM" + "1" * 32,
        "AccountSid": TWILIO_SID,
        "From": f"whatsapp:{CUSTOMER}",
        "To": f"whatsapp:{WHATSAPP_FROM}",
        "Body": body,
        "ProfileName": "Ayşe Yılmaz",
        "WaId": CUSTOMER.lstrip("+"),
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        "http://testserver" + WEBHOOK, data
    )
    response = committed(Client().post, WEBHOOK, data, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    return Complaint.objects.get()


def hours_pass(complaint: Complaint, hours: float) -> None:
    """As if the customer's last WhatsApp message were ``hours`` old."""
    assert complaint.whatsapp_inbound_at is not None
    Complaint.objects.filter(pk=complaint.pk).update(
        whatsapp_inbound_at=timezone.now() - timedelta(hours=hours)
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def staff_reply(
    committed: Any, complaint: Complaint, user: Any, body: str = "Modeminizi yeniledik."
) -> Notification:
    committed(
        complaint_message_add,
        complaint=Complaint.objects.get(pk=complaint.pk),
        body=body,
        author_kind="staff",
        channel="web",
        actor=user,
    )
    return Notification.objects.get(complaint=complaint, kind=Notification.Kind.STAFF_REPLY)


def test_within_the_window_the_answer_goes_on_whatsapp(committed, representative, sms_outbox):
    complaint = wrote_on_whatsapp(committed)
    hours_pass(complaint, 22)

    notice = staff_reply(committed, complaint, representative)

    assert (notice.channel, notice.recipient, notice.status) == (
        Medium.WHATSAPP,
        CUSTOMER,
        Status.SENT,
    )
    (sent,) = sms_outbox
    assert sent.to == f"whatsapp:{CUSTOMER}"
    assert "Modeminizi yeniledik." in sent.body
    assert complaint.tracking_number in sent.body


def test_25_hours_after_the_last_message_the_notice_goes_by_sms(
    committed, representative, sms_outbox
):
    complaint = wrote_on_whatsapp(committed)
    hours_pass(complaint, 25)

    notice = staff_reply(committed, complaint, representative)

    assert (notice.channel, notice.recipient) == (Medium.SMS, CUSTOMER)
    (sent,) = sms_outbox
    assert sent.to == CUSTOMER


def test_outside_the_window_a_customer_with_an_address_gets_an_email(committed):
    complaint = wrote_on_whatsapp(committed)
    Complaint.objects.filter(pk=complaint.pk).update(contact_email="ayse@example.com")
    complaint.refresh_from_db()

    assert customer_contact(complaint=complaint) == (Medium.WHATSAPP, CUSTOMER)
    hours_pass(complaint, 25)
    complaint.refresh_from_db()
    assert customer_contact(complaint=complaint) == (Medium.EMAIL, "ayse@example.com")


def test_the_window_is_23_hours_by_default_and_a_setting(committed, settings):
    complaint = wrote_on_whatsapp(committed)
    last = complaint.whatsapp_inbound_at
    assert last is not None
    just_inside, just_outside = last + timedelta(hours=22, minutes=59), last + timedelta(hours=23)
    assert customer_contact(complaint=complaint, now=just_inside) == (Medium.WHATSAPP, CUSTOMER)
    assert customer_contact(complaint=complaint, now=just_outside) == (Medium.SMS, CUSTOMER)
    settings.NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS = 3600
    later = last + timedelta(hours=2)
    assert customer_contact(complaint=complaint, now=later) == (Medium.SMS, CUSTOMER)


def test_with_whatsapp_off_nothing_goes_on_whatsapp(committed, settings):
    complaint = wrote_on_whatsapp(committed)
    settings.TWILIO_WHATSAPP_ENABLED = False
    assert customer_contact(complaint=complaint) == (Medium.SMS, CUSTOMER)


def test_a_customer_who_never_wrote_on_whatsapp_is_never_written_to_there():
    from tests.factories import make_complaint

    complaint = make_complaint(email="", phone="0532 123 45 67")
    assert customer_contact(complaint=complaint) == (Medium.SMS, CUSTOMER)


def test_the_decision_goes_on_whatsapp_with_its_text_and_the_answer_link(
    committed, representative, sms_outbox
):
    complaint = wrote_on_whatsapp(committed)
    committed(advance, complaint, Stage.DECISION_NOTIFIED, representative)

    notice = Notification.objects.get(complaint=complaint, kind=Notification.Kind.DECISION)
    assert notice.channel == Medium.WHATSAPP
    (sent,) = [m for m in sms_outbox if m.to == f"whatsapp:{CUSTOMER}"]
    # Not cut to two SMS parts: the decision and the proposal are in it.
    assert "Fark bir sonraki faturadan düşülecek." in sent.body
    assert "Fark iade edilecek." in sent.body
    assert f"{SITE_URL}/notices/answer/" in sent.body


def test_a_long_staff_reply_is_whole_on_whatsapp_and_cut_in_an_sms(
    committed, representative, sms_outbox
):
    complaint = wrote_on_whatsapp(committed)
    on_whatsapp = staff_reply(committed, complaint, representative, body=LONG_REPLY)
    assert on_whatsapp.channel == Medium.WHATSAPP
    assert LONG_REPLY in on_whatsapp.body_text

    hours_pass(complaint, 25)
    committed(
        complaint_message_add,
        complaint=Complaint.objects.get(pk=complaint.pk),
        body=LONG_REPLY,
        author_kind="staff",
        channel="web",
        actor=representative,
    )
    by_sms = Notification.objects.filter(kind=Notification.Kind.STAFF_REPLY).latest("pk")
    assert by_sms.channel == Medium.SMS
    # Two SMS parts at most (NOTIFICATIONS_SMS_MAX_SEGMENTS): cut, the page has it whole.
    assert segments.segments(by_sms.body_text) <= 2 < segments.segments(LONG_REPLY)


def test_the_reminder_of_a_decision_sent_on_whatsapp_goes_where_it_can_days_later(
    committed, representative
):
    from sla.unanswered import unanswered_sweep

    complaint = wrote_on_whatsapp(committed)
    committed(advance, complaint, Stage.DECISION_NOTIFIED, representative)
    hours_pass(complaint, 5 * 24)
    Complaint.objects.filter(pk=complaint.pk).update(
        answer_reminder_due_at=timezone.now() - timedelta(minutes=1)
    )

    committed(unanswered_sweep)

    reminder = Notification.objects.get(kind=Notification.Kind.DECISION_REMINDER)
    assert (reminder.channel, reminder.recipient) == (Medium.SMS, CUSTOMER)


# --- The transport, against a local stand-in for Twilio's API -----------------------


def test_twilio_receives_the_whatsapp_addresses(committed, representative, twilio):
    complaint = wrote_on_whatsapp(committed)

    notice = staff_reply(committed, complaint, representative)

    (request,) = twilio.sent
    assert request.form["To"] == f"whatsapp:{CUSTOMER}"
    assert request.form["From"] == f"whatsapp:{WHATSAPP_FROM}"
    assert request.form["StatusCallback"] == CALLBACK
    assert request.auth == (TWILIO_SID, TWILIO_TOKEN)
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.provider_message_id.startswith("SM")


def test_a_sender_given_with_its_prefix_is_used_as_is(twilio, settings):
    settings.TWILIO_WHATSAPP_FROM = f"whatsapp:{WHATSAPP_FROM}"
    TwilioSMSBackend().send(to=f"whatsapp:{CUSTOMER}", body="Merhaba")
    assert twilio.sent[0].form["From"] == f"whatsapp:{WHATSAPP_FROM}"


def test_sms_still_goes_from_the_sms_number(twilio):
    TwilioSMSBackend().send(to=CUSTOMER, body="Merhaba")
    assert twilio.sent[0].form["From"] == "+15005550006"


def test_without_a_whatsapp_sender_the_notice_fails_for_good(twilio, settings):
    settings.TWILIO_WHATSAPP_FROM = ""
    with pytest.raises(PermanentDeliveryError, match="TWILIO_WHATSAPP_FROM"):
        TwilioSMSBackend().send(to=f"whatsapp:{CUSTOMER}", body="Merhaba")
    assert twilio.requests == []


def test_a_whatsapp_status_callback_updates_the_notice(committed, representative, twilio):
    complaint = wrote_on_whatsapp(committed)
    notice = staff_reply(committed, complaint, representative)
    client = Client(enforce_csrf_checks=True)

    def report(status: str, **extra: str) -> int:
        params = {
            "MessageSid": notice.provider_message_id,
            "MessageStatus": status,
            "To": f"whatsapp:{CUSTOMER}",
            "From": f"whatsapp:{WHATSAPP_FROM}",
            **extra,
        }
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(CALLBACK, params)
        response = client.post("/notices/twilio/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)
        return response.status_code

    assert report("read") == 204
    notice.refresh_from_db()
    assert notice.delivery_status == "read"
    # 63016: outside the window; the notice is failed, for staff to see.
    assert report("undelivered", ErrorCode="63016") == 204
    notice.refresh_from_db()
    assert notice.status == Status.FAILED and "63016" in notice.last_error


def test_the_console_backend_says_whatsapp():
    stream = io.StringIO()
    ConsoleSMSBackend(stream=stream).send(to=f"whatsapp:{CUSTOMER}", body="Merhaba")
    assert stream.getvalue().startswith(f"WhatsApp to whatsapp:{CUSTOMER}")


def test_the_development_outbox_writes_the_whatsapp_message(settings, tmp_path):
    settings.NOTIFICATIONS_DEV_OUTBOX_DIR = str(tmp_path)
    DevOutboxSMSBackend().send(to=f"whatsapp:{CUSTOMER}", body="Merhaba")
    (written,) = tmp_path.iterdir()
    assert written.read_text() == f"To: whatsapp:{CUSTOMER}\n\nMerhaba\n"


def test_a_whatsapp_notice_sent_twice_is_sent_once(committed, representative, sms_outbox):
    complaint = wrote_on_whatsapp(committed)
    notice = staff_reply(committed, complaint, representative)
    assert notification_send(notification_id=notice.pk).result == "skipped"
    assert len(sms_outbox) == 1


# --- Deploy checks -----------------------------------------------------------------


def _check_ids() -> set[str]:
    return {
        m.id
        for m in checks.run_checks(include_deployment_checks=True)
        if m.id and m.id.startswith("notifications.E")
    }


@pytest.fixture
def production_twilio(settings: Any) -> Any:
    settings.SMS_BACKEND = "notifications.sms.TwilioSMSBackend"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    return settings


def test_the_whatsapp_sender_is_required_only_when_whatsapp_is_on(production_twilio):
    production_twilio.TWILIO_WHATSAPP_FROM = ""
    assert "notifications.E003" in _check_ids()
    production_twilio.TWILIO_WHATSAPP_ENABLED = False
    assert _check_ids() == set()


def test_a_whatsapp_sender_that_is_not_a_number_fails(production_twilio):
    production_twilio.TWILIO_WHATSAPP_FROM = "Key Internet"
    assert "notifications.E004" in _check_ids()
    production_twilio.TWILIO_WHATSAPP_FROM = f"whatsapp:{WHATSAPP_FROM}"
    assert _check_ids() == set()


def test_a_window_longer_than_whatsapps_fails(production_twilio):
    production_twilio.NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS = 25 * 3600
    assert "notifications.E005" in _check_ids()
