"""PROCESS.md "Where else the customer can go" (issue 10, item 3): when the
customer rejects a decision, and when a complaint closes, the notice and the
customer's page tell them where else they can apply, in the company's text,
edited by staff in versions (Turkish and English); each notice records the
version it carried, and every version stays readable at its own address."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from complaints.access import customer_link_token
from complaints.models import Answer, Channel, Complaint, RecourseText, Stage
from complaints.recourse import recourse_text_current, recourse_text_publish
from complaints.services import complaint_record_answer, complaint_transition
from notifications import segments
from notifications.content import render_notice
from notifications.models import Notification, Status
from notifications.services import notification_queue
from tests.factories import make_complaint
from tests.helpers import advance

from .conftest import SITE_URL

pytestmark = pytest.mark.django_db

Kinds = Notification.Kind


def current() -> RecourseText:
    text = recourse_text_current()
    assert text is not None
    return text


def publish(actor, addition: str = "Yeni paragraf.") -> RecourseText:
    text = current()
    return recourse_text_publish(
        text_tr=f"{text.text_tr}\n\n{addition}",
        text_en=f"{text.text_en}\n\n{addition}",
        actor=actor,
    )


@pytest.fixture
def answer(representative, django_capture_on_commit_callbacks):
    """``answer(complaint, Answer.REJECTED)``: the customer's answer, and the notice it sends."""

    def run(complaint: Complaint, value: str, reason: str = "Fark iade edilmedi.") -> Notification:
        kind = Kinds.CLOSURE if value == Answer.ACCEPTED else Kinds.REEVALUATION
        with django_capture_on_commit_callbacks(execute=True):
            complaint_record_answer(
                complaint=complaint, answer=value, channel=Channel.WEB, reason=reason
            )
        return Notification.objects.get(complaint=complaint, kind=kind)

    return run


# --- The text and its versions ----------------------------------------------------------


def test_the_first_version_names_the_committees_the_courts_their_yearly_limits_and_the_btk():
    text = RecourseText.objects.get()
    assert text.version == 1
    for needle in ("Tüketici Hakem Heyeti", "tüketici mahkemesi", "her yıl değişir", "BTK"):
        assert needle in text.text_tr
    for needle in ("Tüketici Hakem Heyeti", "consumer court", "change every year", "BTK"):
        assert needle in text.text_en


def test_editing_the_text_publishes_a_new_version_and_leaves_the_old_one_as_it_was(manager):
    first = current()
    second = publish(manager)

    assert (second.version, second.published_by) == (2, manager)
    assert current() == second
    first.refresh_from_db()
    assert "Yeni paragraf." not in first.text_tr


def test_publishing_the_same_text_again_makes_no_new_version(manager):
    text = current()
    again = recourse_text_publish(text_tr=text.text_tr, text_en=text.text_en, actor=manager)
    assert again == text
    assert RecourseText.objects.count() == 1


def test_an_agent_may_not_edit_the_text(agent):
    with pytest.raises(PermissionDenied):
        publish(agent)


def test_staff_edit_the_text_in_the_admin_as_a_new_version_never_in_place(client, manager):
    client.force_login(manager)
    page = client.get("/admin/complaints/recoursetext/add/")
    assert page.status_code == 200
    assert "Tüketici Hakem Heyeti" in page.content.decode()  # starts from the text in force
    text = current()

    response = client.post(
        "/admin/complaints/recoursetext/add/",
        {"text_tr": text.text_tr + "\nek", "text_en": text.text_en + "\nmore"},
    )

    assert response.status_code == 302
    assert current().version == 2
    edit = client.post(
        f"/admin/complaints/recoursetext/{text.pk}/change/", {"text_tr": "x", "text_en": "y"}
    )
    assert edit.status_code == 403
    text.refresh_from_db()
    assert not text.text_tr.endswith("ek")


def test_an_agent_reads_the_text_in_the_admin_but_cannot_edit_it(client, agent):
    client.force_login(agent)
    assert client.get("/admin/complaints/recoursetext/").status_code == 200
    assert client.get("/admin/complaints/recoursetext/add/").status_code == 403


# --- The public pages ---------------------------------------------------------------------


def test_the_recourse_page_shows_the_version_in_force_in_turkish_first(client, manager):
    publish(manager, "Yeni paragraf.")
    html = client.get("/recourse/").content.decode()
    assert "Yeni paragraf." in html
    assert "Tüketici Hakem Heyeti" in html
    assert "tüketici mahkemesi" in html


def test_the_recourse_page_speaks_english_when_asked(client):
    html = client.get("/recourse/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "consumer court" in html
    assert "tüketici mahkemesi" not in html


def test_an_old_version_stays_readable_and_an_unknown_one_is_not_found(client, manager):
    publish(manager, "Yeni paragraf.")

    old = client.get("/recourse/1/")

    assert old.status_code == 200
    assert "Yeni paragraf." not in old.content.decode()
    assert 'href="/recourse/"' in old.content.decode()  # the version in force
    assert "Yeni paragraf." in client.get("/recourse/2/").content.decode()
    for missing in ("/recourse/3/", "/recourse/0/", "/recourse/99999999999/", "/recourse/x/"):
        assert client.get(missing).status_code == 404, missing


def test_every_public_page_links_where_else_to_apply(client):
    assert 'href="/recourse/"' in client.get("/submit/").content.decode()


# --- The notices --------------------------------------------------------------------------


def test_the_rejection_notice_carries_the_current_text_and_records_its_version(decided, answer):
    complaint, _decision = decided()

    notice = answer(complaint, Answer.REJECTED)

    assert notice.status == Status.SENT
    assert notice.recourse_text == current()
    assert "Tüketici Hakem Heyeti" in notice.body_text
    assert "Tüketici Hakem Heyeti" in notice.body_html
    assert f"{SITE_URL}/recourse/1/" in notice.body_text


def test_the_closure_notice_carries_the_current_text_and_records_its_version(decided, answer):
    complaint, _decision = decided(language="en")

    notice = answer(complaint, Answer.ACCEPTED)

    assert notice.recourse_text == current()
    assert "consumer court" in notice.body_text
    assert "consumer court" in notice.body_html
    assert f"{SITE_URL}/recourse/1/" in notice.body_html


def test_a_closure_without_an_answer_tells_where_else_too(
    decided, django_capture_on_commit_callbacks
):
    complaint, _decision = decided()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(
            complaint=complaint,
            to=Stage.CLOSED,
            actor=None,
            fields={"customer_answer": Answer.NO_ANSWER},
        )
    notice = Notification.objects.get(complaint=complaint, kind=Kinds.CLOSURE)
    assert notice.recourse_text == current()
    assert "Tüketici Hakem Heyeti" in notice.body_text


def test_a_notice_keeps_the_version_it_carried_after_the_text_is_edited(
    decided, answer, manager, client
):
    first, _ = decided()
    sent_before = answer(first, Answer.ACCEPTED)

    publish(manager, "Yeni paragraf.")
    second, _ = decided(email="mehmet@example.com")
    sent_after = answer(second, Answer.ACCEPTED)

    sent_before.refresh_from_db()
    assert sent_before.recourse_text.version == 1
    assert "Yeni paragraf." not in sent_before.body_text
    assert sent_after.recourse_text.version == 2
    assert "Yeni paragraf." in sent_after.body_text
    # What the first customer was sent is still what its link shows.
    assert "Yeni paragraf." not in client.get("/recourse/1/").content.decode()


def test_other_notices_carry_no_version(decided):
    _complaint, decision = decided()
    decision.refresh_from_db()
    assert decision.recourse_text is None
    assert "Tüketici Hakem Heyeti" not in decision.body_text


def _sms(kind: str, *, language: str, answer: str) -> str:
    complaint = make_complaint(email="", phone="0532 123 45 67", language=language)
    Complaint.objects.filter(pk=complaint.pk).update(customer_answer=answer)
    complaint.refresh_from_db()
    notice = notification_queue(
        complaint=complaint,
        event=complaint.events.get(),
        kind=kind,
        channel=Notification.Medium.SMS,
        recipient=complaint.contact_phone,
        language=language,
    )
    content = render_notice(notice)
    assert content.recourse == current()
    return content.text


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (Kinds.REEVALUATION, Answer.REJECTED),
        (Kinds.CLOSURE, Answer.ACCEPTED),
        (Kinds.CLOSURE, Answer.NO_ANSWER),
    ],
)
def test_the_sms_stays_within_two_parts_and_links_the_version_it_carries(kind, answer, language):
    text = _sms(kind, language=language, answer=answer)

    assert segments.segments(text) <= 2, (segments.encoding(text), len(text), text)
    assert f"{SITE_URL}/recourse/1/" in text
    if language == "tr":
        assert segments.encoding(text) == "UCS-2"  # the Turkish letters stay


# --- The customer's page ------------------------------------------------------------------


def _own_page(client, complaint: Complaint) -> str:
    number = complaint.tracking_number
    client.get(f"/track/{number}/?k={customer_link_token(complaint)}")
    return client.get(f"/track/{number}/").content.decode()


def test_the_customer_page_tells_where_else_after_a_rejection(client, representative):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    assert "Tüketici Hakem Heyeti" not in _own_page(client, complaint)

    complaint_record_answer(
        complaint=complaint, answer=Answer.REJECTED, channel=Channel.WEB, reason="Yetersiz."
    )

    html = _own_page(client, complaint)
    assert "Tüketici Hakem Heyeti" in html
    assert 'href="/recourse/1/"' in html


def test_the_customer_page_tells_where_else_once_closed_in_the_active_language(
    client, representative, manager
):
    complaint = advance(make_complaint(), Stage.CLOSED, representative)
    publish(manager, "Yeni paragraf.")

    html = _own_page(client, complaint)
    assert "Yeni paragraf." in html  # the version in force
    assert 'href="/recourse/2/"' in html
    client.cookies["django_language"] = "en"
    assert "consumer court" in client.get(f"/track/{complaint.tracking_number}/").content.decode()


def test_the_page_without_proof_does_not_change(client, representative):
    complaint = advance(make_complaint(), Stage.CLOSED, representative)
    html = client.get(f"/track/{complaint.tracking_number}/").content.decode()
    assert "Tüketici Hakem Heyeti" not in html
