"""Inbound WhatsApp end to end: Twilio's signed webhook (``From=whatsapp:+90…``)
→ the same intake as SMS → a TwiML reply, which Twilio sends on WhatsApp."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from complaints.models import Channel, Complaint, ComplaintMessage, Stage
from intake.models import InboundMessage
from tests.factories import make_complaint
from tests.helpers import advance

from .test_inbound_sms import params as sms_params
from .test_inbound_sms import reply

TOKEN = "twilio-test-auth-token"
PATH = "/webhooks/twilio/whatsapp/"
SMS_PATH = "/webhooks/twilio/sms/"
CUSTOMER = "+905321234567"

pytestmark = pytest.mark.django_db

Outcome = InboundMessage.Outcome


@pytest.fixture(autouse=True)
def _whatsapp(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_WHATSAPP_ENABLED = True


def params(
    body: str,
    sid: str = "SM11111111111111111111111111111111",
    sender: str = CUSTOMER,
    profile: str = "Ayşe Yılmaz",
) -> dict:
    """The form fields Twilio posts for an inbound WhatsApp message."""
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": profile,
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": sender.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": "whatsapp:+908501234567",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": f"whatsapp:{sender}",
        "ApiVersion": "2010-04-01",
    }


def post(data: dict, *, path: str = PATH, token: str | None = TOKEN):
    headers = {}
    if token is not None:
        url = "http://testserver" + path
        headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator(token).compute_signature(url, data)
    # A real CSRF check: the webhook is exempt, nothing else is.
    return Client(enforce_csrf_checks=True).post(path, data, **headers)


def test_a_whatsapp_message_becomes_a_whatsapp_complaint_acknowledged_in_the_reply(
    django_capture_on_commit_callbacks,
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        response = post(params("Üç gündür internetim yok, modem sürekli kopuyor."))

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP
    assert (complaint.contact_phone, complaint.contact_name) == (CUSTOMER, "Ayşe Yılmaz")
    # The acknowledgement is the TwiML reply, which Twilio sends back on WhatsApp.
    text = reply(response)
    assert "<Response><Message>" in text and complaint.tracking_number in text
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert not Notification.objects.filter(complaint=complaint, kind="acknowledgement").exists()
    # The customer wrote on WhatsApp just now: the window for answering there is open.
    assert complaint.whatsapp_inbound_at is not None
    row = InboundMessage.objects.get()
    assert (row.channel, row.sender, row.outcome) == (
        InboundMessage.Channel.WHATSAPP,
        f"whatsapp:{CUSTOMER}",
        Outcome.NEW_COMPLAINT,
    )


def test_a_second_message_with_the_tracking_number_threads_on_the_complaint():
    post(params("Faturam yanlış geldi.", sid="SM1"))
    complaint = Complaint.objects.get()
    first_window = complaint.whatsapp_inbound_at
    assert first_window is not None

    response = post(params(f"{complaint.tracking_number} ek bilgi: iki kez kesilmiş", sid="SM2"))

    assert Complaint.objects.count() == 1
    message = ComplaintMessage.objects.get(complaint=complaint)
    assert (message.author_kind, message.channel) == ("customer", Channel.WHATSAPP)
    assert complaint.tracking_number in reply(response)
    row = InboundMessage.objects.get(external_id="SM2")
    assert (row.outcome, row.data["sender_matches"]) == (Outcome.MESSAGE_ADDED, True)
    complaint.refresh_from_db()
    assert complaint.whatsapp_inbound_at is not None
    assert complaint.whatsapp_inbound_at > first_window


def test_a_whatsapp_message_to_a_closed_complaint_opens_a_new_one(representative):
    closed = advance(make_complaint(email="", phone="0532 123 45 67"), Stage.CLOSED, representative)
    response = post(params(f"{closed.tracking_number} sorun tekrarladı"))
    new = Complaint.objects.exclude(pk=closed.pk).get()
    assert new.channel == Channel.WHATSAPP
    assert ComplaintMessage.objects.filter(complaint=closed).count() == 1
    text = reply(response)
    assert closed.tracking_number in text and new.tracking_number in text
    assert InboundMessage.objects.get().outcome == Outcome.FOLLOW_UP


def test_a_message_from_another_number_is_added_but_opens_no_window_to_the_customer():
    complaint = make_complaint(email="", phone="0532 123 45 67")
    post(params(f"{complaint.tracking_number} ben eşiyim", sender="+905559876543"))
    assert ComplaintMessage.objects.filter(complaint=complaint).count() == 1
    assert InboundMessage.objects.get().data["sender_matches"] is False
    complaint.refresh_from_db()
    assert complaint.whatsapp_inbound_at is None


def test_an_earlier_message_never_moves_the_window_back():
    from complaints.services import complaint_whatsapp_inbound_record

    complaint = make_complaint(email="", phone=CUSTOMER)
    now = timezone.now()
    assert complaint_whatsapp_inbound_record(complaint=complaint, number=CUSTOMER, at=now)
    earlier = now - timedelta(minutes=5)
    assert not complaint_whatsapp_inbound_record(complaint=complaint, number=CUSTOMER, at=earlier)
    complaint.refresh_from_db()
    assert complaint.whatsapp_inbound_at == now


@pytest.mark.parametrize("token", [None, "not-our-token"], ids=["missing", "other-token"])
def test_a_bad_or_missing_signature_is_a_403_and_nothing_is_stored(token):
    response = post(params("İnternet yok."), token=token)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Complaint.objects.exists()


def test_a_signature_over_other_parameters_is_refused():
    data = params("İnternet yok.")
    signature = RequestValidator(TOKEN).compute_signature("http://testserver" + PATH, data)
    data["From"] = "whatsapp:+905559876543"
    response = Client().post(PATH, data, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403


def test_the_sms_webhook_routes_a_whatsapp_sender_to_the_same_handling():
    response = post(params("Modem kopuyor."), path=SMS_PATH)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP
    assert InboundMessage.objects.get().channel == InboundMessage.Channel.WHATSAPP


def test_the_sms_webhook_still_takes_sms():
    post(sms_params("Modem kopuyor."), path=SMS_PATH)
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.whatsapp_inbound_at) == (Channel.SMS, None)


def test_twilios_retry_with_the_same_message_sid_is_stored_once_and_gets_the_same_reply():
    first = post(params("İnternet yok."))
    # The same message delivered to the other webhook is still the same message.
    again = post(params("İnternet yok."), path=SMS_PATH)
    assert reply(first) == reply(again)
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_durum_answers_on_whatsapp_too(representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    text = reply(post(params(f"DURUM {complaint.tracking_number}")))
    assert complaint.tracking_number in text and "durumu" in text
    assert InboundMessage.objects.get().outcome == Outcome.STATUS_QUERY


def test_without_a_profile_name_the_number_is_the_name():
    post(params("İnternet yok.", profile=""))
    assert Complaint.objects.get().contact_name == CUSTOMER


def test_nul_characters_are_dropped():
    response = post(params("İnternet\x00 yok."))
    assert response.status_code == 200
    assert Complaint.objects.get().description == "İnternet yok."


def test_new_complaints_by_sms_and_whatsapp_share_the_numbers_limit(settings):
    settings.INTAKE_RATE_LIMITS = {"sender": "2/h"}
    post(sms_params("Birinci", sid="SM1"), path=SMS_PATH)
    post(params("İkinci", sid="SM2"))
    post(params("Üçüncü", sid="SM3"))
    assert Complaint.objects.count() == 2
    refused = InboundMessage.objects.get(external_id="SM3")
    assert (refused.outcome, refused.reply) == (Outcome.IGNORED, "")


def test_with_whatsapp_off_neither_webhook_takes_a_whatsapp_message(settings):
    settings.TWILIO_WHATSAPP_ENABLED = False
    assert post(params("İnternet yok.")).status_code == 404
    assert post(params("İnternet yok."), path=SMS_PATH).status_code == 404
    assert not InboundMessage.objects.exists()
    # SMS is not affected.
    assert post(sms_params("İnternet yok."), path=SMS_PATH).status_code == 200
