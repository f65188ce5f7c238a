"""The one Twilio signature check, used by the inbound-SMS webhook and the
delivery-status callback."""

import pytest
from django.test import Client, RequestFactory
from twilio.request_validator import HMAC_SHA256, RequestValidator

from common import twilio_signature

TOKEN = "twilio-auth-token-for-tests"
PARAMS = {"MessageSid": "SM0123456789abcdef0123456789abcdef", "Body": "Merhaba"}
PATH = "/webhooks/twilio/sms/"
PUBLIC = "https://sikayet.example.com"


def request(signature: str | None, *, settings_header: str = "", host: str = "testserver"):
    headers = {}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    if settings_header:
        headers["X-Twilio-Webhooks-Signature-Settings"] = settings_header
    return RequestFactory().post(PATH, PARAMS, headers=headers, HTTP_HOST=host)


def sign(url: str, algorithm: str | None = None, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, PARAMS, algorithm)


def valid(req, *, token: str = TOKEN, base: str = PUBLIC) -> bool:
    return twilio_signature.request_is_signed(req, auth_token=token, public_base_urls=[base])


def test_a_signature_over_the_url_the_request_came_to_is_valid():
    assert valid(request(sign("http://testserver" + PATH)))


def test_a_signature_over_the_public_url_is_valid_behind_a_proxy():
    assert valid(request(sign(PUBLIC + PATH), host="127.0.0.1:8000"))


def test_the_algorithm_named_in_the_signature_settings_header_is_used():
    signature = sign(PUBLIC + PATH, HMAC_SHA256)
    header = f"key=webhooks_sharedkey_1,algorithm={HMAC_SHA256}"
    assert valid(request(signature, settings_header=header))
    # The same signature read as the default HMAC-SHA1 does not match.
    assert not valid(request(signature))


@pytest.mark.parametrize(
    ("signature", "token"),
    [
        (None, TOKEN),
        ("", TOKEN),
        ("not-a-signature", TOKEN),
        (sign("http://testserver" + PATH, token="another-token"), TOKEN),
        (sign("http://testserver" + PATH), ""),
        (sign("https://elsewhere.example.com" + PATH), TOKEN),
    ],
    ids=["missing", "empty", "garbage", "other-token", "no-token-configured", "other-url"],
)
def test_everything_else_is_refused(signature, token):
    assert not valid(request(signature), token=token)


def test_an_unknown_algorithm_is_refused():
    signature = sign("http://testserver" + PATH)
    assert not valid(request(signature, settings_header="algorithm=HMAC_MD4"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/webhooks/twilio/sms/", "/notices/twilio/status/"])
def test_both_twilio_webhooks_ask_the_one_check(path, monkeypatch, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    asked = []

    def refuse(request, **kwargs):
        asked.append(request.path)
        return False

    monkeypatch.setattr(twilio_signature, "request_is_signed", refuse)
    signature = RequestValidator(TOKEN).compute_signature("http://testserver" + path, PARAMS)
    response = Client().post(path, PARAMS, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert asked == [path]
