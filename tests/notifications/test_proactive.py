"""Issue 10, item 7: proactive notices.

The customer is told, on the complaint's channel, when it is classified (with
its due date), when its due date moves (waiting on the customer pauses or
resumes the clock, a priority change recomputes it) and when staff ask them
something; NOTIFICATIONS_PROACTIVE chooses which. One notice at most per event;
events within NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS of each other go out as
one (the row is held until the window passes and later events join it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import dateformat, timezone, translation

from complaints.models import Channel, Complaint, ComplaintEvent, Priority, Stage
from complaints.services import (
    complaint_message_add,
    complaint_reprioritize,
    complaint_wait_for_customer,
    complaint_wait_resume,
)
from notifications import handlers
from notifications.content import render_notice
from notifications.models import Kind, Notification, ProactiveEvent, Status
from notifications.proactive import MAX_WINDOWS, notice_proactive_queue
from notifications.segments import segments
from notifications.services import notification_requeue_pending, notification_send
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

QUESTION = "Modeminizin seri numarası nedir?"


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def proactive(complaint: Complaint) -> list[Notification]:
    return list(
        Notification.objects.filter(
            complaint=complaint, kind__in=[Kind.UPDATE, Kind.QUESTION]
        ).order_by("id")
    )


def window_passes(notice: Notification) -> None:
    """What the clock does to a held row: its time to be sent comes."""
    Notification.objects.filter(pk=notice.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def due_text(complaint: Complaint, language: str = "tr") -> str:
    with translation.override(language):
        return dateformat.format(timezone.localtime(complaint.resolution_due_at), "j F Y H:i")


@pytest.fixture
def classified(representative):
    def run(**submit) -> Complaint:
        return fresh(advance(make_complaint(**submit), Stage.CLASSIFIED, representative))

    return run


def test_classifying_tells_the_customer_once_with_the_due_date(classified, mailoutbox):
    complaint = classified()

    [notice] = proactive(complaint)
    assert notice.kind == Kind.UPDATE and notice.channel == "email"
    assert notice.recipient == "ayse@example.com"
    # Held for the window: a send now does nothing yet.
    assert notification_send(notification_id=notice.pk).result == "skipped"
    window_passes(notice)
    assert notification_send(notification_id=notice.pk).result == "sent"
    assert notification_send(notification_id=notice.pk).result == "skipped"  # once

    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert complaint.tracking_number in notice.subject
    assert due_text(complaint) in notice.body_text
    assert "Normal" in notice.body_text  # its priority
    assert [m.subject for m in mailoutbox].count(notice.subject) == 1


def test_classify_then_pause_within_a_minute_is_one_notice_covering_both(
    classified, representative
):
    complaint = advance(classified(), Stage.IN_ANALYSIS, representative)

    complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)

    [notice] = proactive(complaint)
    whats = sorted(
        ProactiveEvent.objects.filter(notification=notice).values_list("what", flat=True)
    )
    assert whats == ["classified", "due_moved", "question"]
    assert notice.kind == Kind.QUESTION  # it asks for an answer
    window_passes(notice)
    notification_send(notification_id=notice.pk)
    notice.refresh_from_db()
    assert "sınıflandırdık" in notice.body_text
    assert QUESTION in notice.body_text
    assert complaint.tracking_number in notice.subject


def test_classify_then_a_new_priority_within_a_minute_is_one_notice_with_the_new_date(
    classified, representative
):
    complaint = classified()

    complaint_reprioritize(
        complaint=complaint,
        priority=Priority.HIGH,
        reason="Hat tamamen kesik.",
        actor=representative,
    )

    [notice] = proactive(complaint)
    complaint = fresh(complaint)
    text = render_notice(notice).text
    assert due_text(complaint) in text
    assert ProactiveEvent.objects.filter(notification=notice).count() == 2


def test_events_further_apart_than_the_window_are_separate_notices(classified, representative):
    complaint = classified()
    [first] = proactive(complaint)
    window_passes(first)

    complaint_reprioritize(
        complaint=complaint, priority=Priority.LOW, reason="Bilgi talebi.", actor=representative
    )

    second = proactive(complaint)[-1]
    assert second.pk != first.pk
    assert render_notice(second).text.count(due_text(fresh(complaint))) == 1
    assert "Bu tarih güncellendi." in render_notice(second).text


def test_a_notice_already_tried_takes_no_more_events(classified, representative):
    complaint = classified()
    [first] = proactive(complaint)
    # A temporary failure gave it back for later: its text is rendered already.
    Notification.objects.filter(pk=first.pk).update(attempts=1, body_text="rendered")

    complaint_reprioritize(
        complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
    )

    assert len(proactive(complaint)) == 2


def test_resuming_tells_the_customer_the_new_due_date(classified, representative):
    complaint = advance(classified(), Stage.IN_ANALYSIS, representative)
    complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)
    window_passes(proactive(complaint)[-1])
    # The clock stood still for a while: two weeks hold business hours whatever
    # the time the test runs at.
    paused_at = fresh(complaint).resolution_paused_at
    assert paused_at is not None
    Complaint.objects.filter(pk=complaint.pk).update(
        resolution_paused_at=paused_at - timedelta(days=14)
    )

    complaint_wait_resume(complaint=complaint, actor=representative)

    notice = proactive(complaint)[-1]
    assert notice.kind == Kind.UPDATE
    assert [e.what for e in ProactiveEvent.objects.filter(notification=notice)] == ["due_moved"]
    complaint = fresh(complaint)
    text = render_notice(notice).text
    assert due_text(complaint) in text
    assert "Bu tarih güncellendi." in text


def test_at_most_one_notice_per_event_however_often_the_reaction_runs(classified):
    complaint = classified()
    event = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.classified"
    )

    again = notice_proactive_queue(complaint=complaint, event=event)
    handlers._told_unasked(complaint, event)

    [notice] = proactive(complaint)
    assert again == notice
    assert ProactiveEvent.objects.filter(event=event).count() == 1


def test_a_rolled_back_event_leaves_no_notice_and_no_merge(classified, representative):
    complaint = classified()
    [held] = proactive(complaint)

    with pytest.raises(RuntimeError), transaction.atomic():
        complaint_reprioritize(
            complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
        )
        raise RuntimeError("the request failed after the change")

    assert proactive(complaint) == [held]
    assert ProactiveEvent.objects.filter(notification=held).count() == 1


def test_a_held_notice_whose_task_was_lost_is_sent_by_the_requeue_sweep(classified):
    complaint = classified()
    [notice] = proactive(complaint)
    now = timezone.now()
    Notification.objects.exclude(pk=notice.pk).update(status=Status.SENT, sent_at=now)

    assert notification_requeue_pending(now=now) == 0  # held: not due yet
    # Due (and past the sweep's grace): the sweep enqueues it.
    assert notification_requeue_pending(now=notice.next_attempt_at + timedelta(hours=1)) == 1


def test_the_window_moves_on_with_each_event_but_not_for_ever(classified, representative, settings):
    complaint = classified()
    [notice] = proactive(complaint)
    first_until = notice.next_attempt_at

    complaint_reprioritize(
        complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
    )
    notice.refresh_from_db()
    assert notice.next_attempt_at >= first_until
    assert notice.next_attempt_at <= notice.created_at + timedelta(seconds=60 * MAX_WINDOWS)


@pytest.mark.parametrize("setting", ["", "due_moved,question", []])
def test_with_classified_left_out_classifying_sends_nothing(classified, settings, setting):
    settings.NOTIFICATIONS_PROACTIVE = setting

    complaint = classified()

    assert proactive(complaint) == []


def test_with_the_setting_off_nothing_is_sent_and_a_question_goes_as_a_reply(
    classified, representative, settings
):
    settings.NOTIFICATIONS_PROACTIVE = ""
    complaint = advance(classified(), Stage.IN_ANALYSIS, representative)

    complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)
    complaint_reprioritize(
        complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
    )

    assert proactive(complaint) == []
    assert ProactiveEvent.objects.count() == 0
    # A message staff wrote for the customer still reaches them, once.
    [reply] = Notification.objects.filter(complaint=complaint, kind=Kind.STAFF_REPLY)
    assert QUESTION in render_notice(reply).text


def test_a_question_is_told_once_never_also_as_a_reply(classified, representative):
    complaint = advance(classified(), Stage.IN_ANALYSIS, representative)
    window_passes(proactive(complaint)[-1])

    complaint_wait_for_customer(complaint=complaint, question=QUESTION, actor=representative)
    complaint_message_add(
        complaint=complaint,
        body="Bir de faturanızı gönderir misiniz?",
        author_kind="staff",
        channel=Channel.EMAIL,
        actor=representative,
    )

    assert not Notification.objects.filter(
        complaint=complaint, kind=Kind.STAFF_REPLY, body_text__contains=QUESTION
    ).exists()
    questions = [n for n in proactive(complaint) if n.kind == Kind.QUESTION]
    assert len(questions) == 1
    assert Notification.objects.filter(complaint=complaint, kind=Kind.STAFF_REPLY).count() == 1


def test_with_no_window_each_event_is_its_own_notice_sent_at_once(
    classified, representative, settings
):
    settings.NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS = 0
    complaint = classified()
    complaint_reprioritize(
        complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
    )

    notices = proactive(complaint)
    assert len(notices) == 2
    assert all(n.next_attempt_at <= timezone.now() for n in notices)


def test_no_address_and_no_number_means_nothing_to_send(representative):
    complaint = make_complaint(channel=Channel.PHONE, email="", phone="")
    advance(complaint, Stage.CLASSIFIED, representative)

    assert proactive(complaint) == []


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_sms_stays_within_two_parts_even_with_a_long_question(
    classified, representative, language
):
    complaint = advance(
        classified(email="", phone="0532 123 45 67", channel=Channel.SMS, language=language),
        Stage.IN_ANALYSIS,
        representative,
    )
    question = "Lütfen modeminizin arkasındaki etiketteki seri numarasını, " * 8

    complaint_wait_for_customer(complaint=complaint, question=question, actor=representative)

    [notice] = proactive(complaint)
    assert notice.channel == "sms"
    text = render_notice(notice).text
    assert segments(text) <= 2
    assert complaint.tracking_number in text
    assert "…" in text or "..." in text  # the question, cut to fit


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_sms_of_a_classification_has_the_due_date(classified, language):
    complaint = classified(email="", phone="0532 123 45 67", channel=Channel.SMS, language=language)

    [notice] = proactive(complaint)
    text = render_notice(notice).text
    assert segments(text) <= 2
    assert timezone.localtime(complaint.resolution_due_at).strftime("%d.%m.%Y %H:%M") in text
    assert f"/track/{complaint.tracking_number}/" in text


def test_in_english_for_an_english_complaint(classified):
    complaint = classified(language="en")

    [notice] = proactive(complaint)
    content = render_notice(notice)
    assert "An update on your application" in content.subject
    assert due_text(complaint, "en") in content.text
    assert "We will send you our solution proposal by" in content.text


def test_a_misspelt_setting_stops_the_checks(settings):
    from notifications.checks import check_proactive_names

    settings.NOTIFICATIONS_PROACTIVE = "classified, due-moved"
    [error] = check_proactive_names()
    assert error.id == "notifications.E003" and "due-moved" in error.msg
    settings.NOTIFICATIONS_PROACTIVE = "Classified, due_moved ,question"
    assert check_proactive_names() == []


def test_a_notice_a_worker_has_claimed_takes_no_more_events(classified, representative):
    complaint = classified()
    [first] = proactive(complaint)
    # A worker claimed it (the window had passed for it) and is sending it.
    Notification.objects.filter(pk=first.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), claim_token=uuid.uuid4()
    )

    complaint_reprioritize(
        complaint=complaint, priority=Priority.HIGH, reason="Acil.", actor=representative
    )

    first_after, second = proactive(complaint)
    assert first_after.pk == first.pk and first_after.status == Status.SENDING
    assert [e.what for e in ProactiveEvent.objects.filter(notification=second)] == ["due_moved"]
    assert ProactiveEvent.objects.filter(notification=first).count() == 1
