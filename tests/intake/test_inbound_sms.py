"""Inbound SMS end to end: Twilio's signed webhook → the intake service → a TwiML reply."""

import pytest
from django.test import Client
from django.utils import translation
from twilio.request_validator import RequestValidator

from complaints.models import Channel, Complaint, ComplaintMessage, Stage
from intake.models import InboundMessage
from tests.factories import make_complaint
from tests.helpers import advance

TOKEN = "twilio-test-auth-token"
PATH = "/webhooks/twilio/sms/"
URL = "http://testserver" + PATH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _token(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN


def params(
    body: str, sid: str = "SM0123456789abcdef0123456789abcdef", sender: str = "+905321234567"
):
    """The form fields Twilio posts for an inbound SMS."""
    return {
        "ToCountry": "TR",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": "+908501234567",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def signed(data: dict, url: str = URL, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, data)


def post(data: dict, signature: str | None = "sign", **extra):
    headers = dict(extra)
    if signature == "sign":
        signature = signed(data)
    if signature is not None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    # A real CSRF check: the webhook is exempt, nothing else is.
    return Client(enforce_csrf_checks=True).post(PATH, data, **headers)


def reply(response) -> str:
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode()


def stage_label(stage: Stage, language: str) -> str:
    with translation.override(language):
        return str(stage.label)


def test_a_new_sms_becomes_a_complaint_and_the_reply_carries_its_tracking_number():
    response = post(params("Üç gündür internetim yok, modem sürekli kopuyor."))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.contact_phone) == (Channel.SMS, "+905321234567")
    assert complaint.subject.startswith("Üç gündür internetim yok")
    assert complaint.tracking_number in reply(response)
    assert "<Response><Message>" in reply(response)
    row = InboundMessage.objects.get()
    assert (row.outcome, row.complaint) == (InboundMessage.Outcome.NEW_COMPLAINT, complaint)


def test_the_sms_complaint_shows_on_the_tracking_page(client):
    post(params("İnternet yok."))
    assert client.get(f"/track/{Complaint.objects.get().tracking_number}/").status_code == 200


@pytest.mark.parametrize(
    "signature",
    [None, "", "bm90IGEgc2lnbmF0dXJl", "sign-with-another-token"],
    ids=["missing", "empty", "garbage", "other-token"],
)
def test_a_bad_or_missing_signature_is_a_403_and_nothing_is_stored(signature):
    data = params("İnternet yok.")
    if signature == "sign-with-another-token":
        signature = signed(data, token="not-our-token")
    response = post(data, signature=signature)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Complaint.objects.exists()


def test_a_signature_over_other_parameters_is_refused():
    data = params("İnternet yok.")
    signature = signed(data)
    data["Body"] = "Tampered"
    assert post(data, signature=signature).status_code == 403


def test_without_an_auth_token_configured_every_request_is_refused(settings):
    data = params("İnternet yok.")
    signature = signed(data)
    settings.TWILIO_AUTH_TOKEN = ""
    assert post(data, signature=signature).status_code == 403


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(settings):
    data = params("İnternet yok.")
    public = "https://sikayet.example.com" + PATH
    signature = signed(data, url=public)
    assert post(data, signature=signature).status_code == 403
    settings.INTAKE_PUBLIC_BASE_URL = "https://sikayet.example.com/"
    assert post(data, signature=signature).status_code == 200


def test_twilios_retry_with_the_same_message_sid_is_stored_once_and_gets_the_same_reply():
    first = post(params("İnternet yok."))
    again = post(params("İnternet yok."))
    assert reply(first) == reply(again)
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_an_sms_carrying_a_tracking_number_is_added_to_that_complaint():
    complaint = make_complaint(email="", phone="0532 123 45 67")
    response = post(params(f"{complaint.tracking_number} modem değişti ama düzelmedi"))
    assert Complaint.objects.count() == 1
    message = ComplaintMessage.objects.get(complaint=complaint)
    assert (message.author_kind, message.channel) == ("customer", Channel.SMS)
    assert complaint.tracking_number in reply(response)
    assert InboundMessage.objects.get().data["sender_matches"] is True


def test_an_sms_to_a_closed_complaint_opens_a_new_one(representative):
    closed = advance(make_complaint(phone="0532 123 45 67"), Stage.CLOSED, representative)
    response = post(params(f"{closed.tracking_number} sorun tekrarladı"))
    new = Complaint.objects.exclude(pk=closed.pk).get()
    assert new.channel == Channel.SMS
    assert ComplaintMessage.objects.filter(complaint=closed).count() == 1
    text = reply(response)
    assert closed.tracking_number in text and new.tracking_number in text


@pytest.mark.parametrize(
    ("keyword", "language"), [("DURUM", "tr"), ("durum", "tr"), ("STATUS", "en")]
)
def test_durum_or_status_answers_the_current_stage(representative, keyword, language):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    loose = complaint.tracking_number.replace("-", "").lower()
    response = post(params(f"{keyword} {loose}"))
    text = reply(response)
    assert complaint.tracking_number in text
    assert stage_label(Stage.IN_ANALYSIS, language) in text
    assert ("durumu" in text) == (language == "tr")
    assert not ComplaintMessage.objects.exists()
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.STATUS_QUERY


def test_durum_with_an_unknown_number_says_so(representative):
    response = post(params("DURUM ABCD-EFGH-JKMN"))
    assert "bulunamadı" in reply(response)
    assert not Complaint.objects.exists()


def test_durum_alone_explains_how_to_ask():
    assert "DURUM" in reply(post(params("Durum")))
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("text", ["Durum şu: üç gündür internet yok", "Status of my line: down"])
def test_a_message_that_merely_starts_with_the_keyword_is_a_complaint(text):
    post(params(text))
    assert Complaint.objects.get().description == text


def test_durum_with_a_mistyped_number_says_it_was_not_found():
    complaint = make_complaint()
    number = complaint.tracking_number
    mistyped = number[:-1] + ("2" if number[-1] != "2" else "3")
    assert "bulunamadı" in reply(post(params(f"DURUM {mistyped}")))
    assert Complaint.objects.count() == 1


def test_an_empty_sms_is_answered_and_kept_as_rejected():
    response = post(params("   "))
    assert response.status_code == 200
    assert "şikâyetinizi" in reply(response)
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REJECTED
    assert not Complaint.objects.exists()


def test_an_unusable_sender_number_is_rejected_with_a_reply():
    response = post(params("İnternet yok.", sender="KEYINTERNET"))
    assert response.status_code == 200
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REJECTED
    assert not Complaint.objects.exists()


def test_only_post_is_accepted():
    assert Client().get(PATH).status_code == 405


def test_mms_media_links_are_recorded():
    data = {**params("Fotoğraf ekte."), "NumMedia": "1", "MediaUrl0": "https://api.twilio.com/m/1"}
    post(data)
    assert InboundMessage.objects.get().data["media_urls"] == ["https://api.twilio.com/m/1"]


def test_nul_characters_in_an_sms_are_dropped():
    response = post(params("İnternet\x00 yok."))
    assert response.status_code == 200
    assert Complaint.objects.get().description == "İnternet yok."


def test_the_reply_is_the_acknowledgement_so_no_second_sms_is_sent(
    django_capture_on_commit_callbacks,
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        reply(post(params("Faturam yanlış geldi.")))
    complaint = Complaint.objects.get()
    # PROCESS.md stage 2: the tracking number reached the customer in the reply.
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert complaint.acknowledged_at is not None
    assert not Notification.objects.filter(complaint=complaint, kind="acknowledgement").exists()


def test_a_signature_made_with_hmac_sha256_is_accepted():
    from twilio.request_validator import HMAC_SHA256

    data = params("Modemim kopuyor.")
    signature = RequestValidator(TOKEN).compute_signature(URL, data, HMAC_SHA256)
    response = post(
        data,
        signature=signature,
        HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS=f"key=k1,algorithm={HMAC_SHA256}",
    )
    assert response.status_code == 200
    assert Complaint.objects.count() == 1
