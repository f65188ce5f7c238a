"""SMS segment counting (GSM-7 vs UCS-2) and every SMS notice within two parts."""

from __future__ import annotations

import pytest

from complaints.models import Kind
from notifications import segments
from notifications.content import render_notice
from notifications.models import Notification
from notifications.services import notification_queue
from tests.factories import make_complaint

from .conftest import SITE_URL


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters take two septets
        ("€" * 81, "GSM-7", 2),  # 162 septets: 76 pairs per part
        # 306 septets would fill two parts, but the pair may not straddle them.
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),
        ("öüÖÜÇ" * 32, "GSM-7", 1),  # Turkish letters that GSM-7 has
        ("ı" * 70, "UCS-2", 1),
        ("ş" * 71, "UCS-2", 2),
        ("ğ" * 134, "UCS-2", 2),
        ("İ" * 135, "UCS-2", 3),
        ("ç" + "a" * 69, "UCS-2", 1),  # one ç turns the whole message into UCS-2
        ("😀" * 35, "UCS-2", 1),  # surrogate pairs: two units each
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_segments(text, encoding, parts):
    assert segments.encoding(text) == encoding
    assert segments.segments(text) == parts


def test_a_turkish_text_too_long_for_two_ucs2_parts_falls_back_to_gsm7():
    text = "Şikâyetiniz ışığında değişiklik yapıldı. " * 4  # 168 characters, UCS-2
    assert segments.segments(text) == 3

    fitted = segments.fit(text, 2)
    assert segments.is_gsm7(fitted)
    assert segments.segments(fitted) == 2
    assert fitted.startswith("Sikayetiniz isiginda degisiklik")


def test_a_text_that_fits_is_left_alone():
    assert segments.fit("Şikâyetiniz alındı.", 2) == "Şikâyetiniz alındı."


def _sms(kind: str, *, language: str, complaint_kind: str = Kind.COMPLAINT) -> str:
    complaint = make_complaint(
        email="", phone="0532 123 45 67", language=language, kind=complaint_kind
    )
    complaint.decision = (
        "Fark bir sonraki faturadan düşülecek; ayrıca modeminiz ücretsiz değiştirilecek."
    )
    complaint.save(update_fields=["decision"])
    event = complaint.events.get(action="complaints.complaint.received")
    notice = notification_queue(
        complaint=complaint,
        event=event,
        kind=kind,
        channel=Notification.Medium.SMS,
        recipient=complaint.contact_phone,
        language=language,
    )
    return render_notice(notice).text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("kind", ["acknowledgement", "decision", "closure", "reevaluation"])
def test_every_sms_notice_fits_in_two_parts(settings, kind, language):
    settings.SITE_URL = SITE_URL
    text = _sms(kind, language=language)

    assert segments.segments(text) <= 2, (segments.encoding(text), len(text), text)
    assert SITE_URL in text or kind == "closure"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_feedback_answer_by_sms_fits_in_two_parts(settings, language):
    settings.SITE_URL = SITE_URL
    text = _sms("decision", language=language, complaint_kind=Kind.FEEDBACK)

    assert segments.segments(text) <= 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["acknowledgement", "closure", "reevaluation"])
def test_turkish_sms_keep_their_turkish_letters(settings, kind):
    settings.SITE_URL = SITE_URL
    text = _sms(kind, language="tr")

    assert segments.encoding(text) == "UCS-2"
    assert "İnternet" in text
