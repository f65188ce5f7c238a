"""Waiting on the customer, the process side (issue 10, item 1): staff ask, the
question reaches the customer, the answer on any channel ends the wait, staff
may resume; the tracking page and the staff screens say so."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from complaints.models import Channel, Complaint, ComplaintEvent, ComplaintMessage, Stage
from complaints.services import (
    TransitionNotAllowed,
    complaint_message_add,
    complaint_wait_for_customer,
    complaint_wait_resume,
)
from notifications.content import render_notice
from notifications.models import Kind, Notification
from notifications.segments import segments, to_gsm7
from tests.factories import make_complaint
from tests.helpers import advance
from tests.intake.test_inbound_sms import TOKEN, params, post

pytestmark = pytest.mark.django_db

QUESTION = "Modeminizin seri numarası nedir?"


def notice_text(notice: Notification) -> str:
    return render_notice(notice).text


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def actions(complaint: Complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def waiting(representative):
    def build(**submit) -> Complaint:
        complaint = advance(make_complaint(**submit), Stage.IN_ANALYSIS, representative)
        complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)
        return fresh(complaint)

    return build


def test_asking_adds_a_question_to_the_customer_and_starts_the_wait(waiting):
    complaint = waiting()

    [message] = ComplaintMessage.objects.filter(complaint=complaint)
    assert message.question and not message.internal
    assert message.author_kind == ComplaintMessage.Author.STAFF
    assert message.body == QUESTION
    assert complaint.waiting_on_customer_since is not None
    assert actions(complaint)[-3:] == [
        "complaints.message.from_staff",
        "complaints.waiting.started",
        "sla.resolution.paused",
    ]


def test_the_question_goes_to_the_customer_by_email_with_its_text(waiting):
    complaint = waiting()

    [notice] = Notification.objects.filter(complaint=complaint, kind=Kind.QUESTION)
    assert notice.recipient == "ayse@example.com"
    content = render_notice(notice)
    assert QUESTION in content.text
    assert complaint.tracking_number in content.subject  # a reply finds the complaint


def test_the_question_goes_by_sms_when_there_is_only_a_phone(waiting):
    complaint = waiting(email="", phone="0532 123 45 67", channel=Channel.SMS)

    [notice] = Notification.objects.filter(complaint=complaint, kind=Kind.QUESTION)
    assert notice.channel == "sms"
    # With the classification told in the same SMS, its Turkish letters may be
    # written in GSM-7 to keep it within two parts (notifications.segments).
    text = render_notice(notice).text
    assert to_gsm7(QUESTION) in to_gsm7(text)
    assert segments(text) <= 2


def test_a_second_question_while_waiting_is_another_message_of_the_same_wait(
    waiting, representative
):
    complaint = waiting()
    since = complaint.waiting_on_customer_since

    complaint_wait_for_customer(complaint=complaint, question="Adresiniz?", actor=representative)

    assert fresh(complaint).waiting_on_customer_since == since
    assert actions(complaint).count("complaints.waiting.started") == 1
    # Asked within a minute of the first: both go out in one notice (issue 10, item 7).
    [notice] = Notification.objects.filter(complaint=complaint, kind=Kind.QUESTION)
    assert QUESTION in notice_text(notice) and "Adresiniz?" in notice_text(notice)


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS, Channel.WEB])
def test_the_customers_answer_on_any_channel_ends_the_wait(waiting, channel):
    complaint = waiting()

    complaint_message_add(
        complaint=complaint,
        body="AB123",
        author_kind=ComplaintMessage.Author.CUSTOMER,
        channel=channel,
    )

    complaint = fresh(complaint)
    assert complaint.waiting_on_customer_since is None
    ended = ComplaintEvent.objects.get(complaint=complaint, action="complaints.waiting.ended")
    assert ended.data["reason"] == "customer_answered"
    assert ended.data["channel"] == channel
    assert actions(complaint)[-1] == "sla.resolution.resumed"


@override_settings(TWILIO_AUTH_TOKEN=TOKEN)
def test_an_sms_reply_through_twilio_ends_the_wait(waiting):
    complaint = waiting()

    response = post(params(f"{complaint.tracking_number} seri no AB123"))

    assert response.status_code == 200
    assert fresh(complaint).waiting_on_customer_since is None


def test_staff_resume_ends_the_wait_with_their_note(waiting, representative):
    complaint = waiting()

    assert complaint_wait_resume(complaint=complaint, actor=representative, note="Aradı.")
    assert not complaint_wait_resume(complaint=complaint, actor=representative)

    ended = ComplaintEvent.objects.get(complaint=complaint, action="complaints.waiting.ended")
    assert (ended.data["reason"], ended.note, ended.actor) == (
        "staff_resumed",
        "Aradı.",
        representative,
    )


def test_a_complaint_whose_decision_is_notified_does_not_wait(representative):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)

    with pytest.raises(TransitionNotAllowed):
        complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)

    assert not ComplaintMessage.objects.filter(complaint=complaint).exists()


def test_asking_and_resuming_need_the_permission(outsider, manager, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    for user in (outsider, manager):
        with pytest.raises(PermissionDenied):
            complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=user)
        with pytest.raises(PermissionDenied):
            complaint_wait_resume(complaint=complaint, actor=user)
    assert fresh(complaint).waiting_on_customer_since is None


def test_agents_may_ask(agent, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=agent)
    assert fresh(complaint).waiting_on_customer_since is not None


# --- The tracking page and the public API -------------------------------------------------


def test_the_tracking_page_says_waiting_for_your_information_since(client, waiting):
    complaint = waiting()

    turkish = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="tr")
    english = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")

    assert "bilginizi bekliyoruz" in turkish.content.decode()
    assert "Waiting for your information since" in english.content.decode()
    assert QUESTION not in english.content.decode()  # the page shows no content of the case


def test_the_tracking_page_says_nothing_of_waiting_once_answered(client, waiting):
    complaint = waiting()
    complaint_message_add(
        complaint=complaint, body="AB123", author_kind="customer", channel=Channel.WEB
    )
    english = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Waiting for your information" not in english.content.decode()


def test_the_public_api_gives_the_time_since_when_we_wait(client, waiting):
    complaint = waiting()
    body = client.get(f"/api/v1/public/complaints/{complaint.tracking_number}/").json()
    assert body["waiting_on_customer_since"] is not None


# --- The staff screens and the staff API ----------------------------------------------------


def test_the_workbench_asks_and_resumes(client, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    client.force_login(representative)
    url = f"/admin/complaints/complaint/{complaint.pk}/"

    page = client.get(f"{url}change/").content.decode()
    assert 'id="ask-customer"' in page and 'id="resume"' not in page

    client.post(f"{url}ask/", {"question": QUESTION})
    page = client.get(f"{url}change/").content.decode()
    assert fresh(complaint).waiting_on_customer_since is not None
    assert 'id="resume"' in page and "wb-due--paused" in page

    client.post(f"{url}resume/", {"note": ""})
    assert fresh(complaint).waiting_on_customer_since is None


def test_the_workbench_refuses_asking_without_the_permission(client, manager, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    client.force_login(manager)

    response = client.post(f"/admin/complaints/complaint/{complaint.pk}/ask/", {"question": "?"})

    assert response.status_code == 403
    assert fresh(complaint).waiting_on_customer_since is None
