"""The services that record and change complaints (besides the stage machine,
tested in test_workflow.py): receipt, customer matching, assignment, priority
changes, messages, the customer's answer and the `complaint_event` hook."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from complaints.models import (
    Answer,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    Customer,
    Kind,
    Priority,
    Stage,
)
from complaints.services import (
    GuardFailed,
    TransitionNotAllowed,
    complaint_assign,
    complaint_message_add,
    complaint_recategorize,
    complaint_record_answer,
    complaint_reprioritize,
    complaint_transition,
)
from complaints.signals import complaint_event
from tests.factories import category, make_complaint
from tests.helpers import advance


def stage_history(complaint: Complaint) -> list[tuple[str, str, str]]:
    return list(
        complaint.events.exclude(to_stage="")
        .order_by("id")
        .values_list("action", "from_stage", "to_stage")
    )


def nothing_recorded() -> bool:
    return not (
        Complaint.objects.exists() or Customer.objects.exists() or ComplaintEvent.objects.exists()
    )


# --- Receipt: complaint_submit ----------------------------------------------------


@pytest.mark.parametrize("field", ["name", "subject", "description"])
@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "blank"])
def test_submit_refuses_a_complaint_without_name_subject_or_description(db, field, value):
    with pytest.raises(ValidationError) as refused:
        make_complaint(**{field: value})

    assert set(refused.value.message_dict) == {field}
    assert nothing_recorded()


def test_submit_refuses_a_subject_longer_than_200_characters(db):
    with pytest.raises(ValidationError) as refused:
        make_complaint(subject="x" * 201)

    assert set(refused.value.message_dict) == {"subject"}


def test_submit_refuses_a_name_longer_than_the_customer_record_holds(db):
    # Customer.name is 200 characters: without a check PostgreSQL fails with a
    # DataError (a 500) and SQLite silently stores it.
    with pytest.raises(ValidationError) as refused:
        make_complaint(name="A" * 201)

    assert set(refused.value.message_dict) == {"name"}
    assert nothing_recorded()


@pytest.mark.parametrize("email", ["ayse", "ayse@", "ayse@example", "ayşe@example.com"])
def test_submit_refuses_a_bad_email_address(db, email):
    with pytest.raises(ValidationError) as refused:
        make_complaint(email=email)

    assert set(refused.value.message_dict) == {"email"}
    assert nothing_recorded()


@pytest.mark.parametrize("phone", ["123", "abc", "0532"])
def test_submit_refuses_a_bad_phone_number(db, phone):
    with pytest.raises(ValidationError) as refused:
        make_complaint(email="", phone=phone)

    assert set(refused.value.message_dict) == {"phone"}
    assert nothing_recorded()


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.EMAIL, Channel.SMS, Channel.API])
def test_submit_needs_an_email_or_phone_outside_a_live_contact(db, channel):
    with pytest.raises(ValidationError) as refused:
        make_complaint(channel=channel, email="", phone="")

    assert set(refused.value.message_dict) == {"email"}
    assert nothing_recorded()


def test_submit_reports_every_bad_field_at_once(db):
    with pytest.raises(ValidationError) as refused:
        make_complaint(name="", subject="", description="", email="ayse@", phone="12")

    errors = refused.value.message_dict
    assert set(errors) == {"name", "subject", "description", "email", "phone"}
    assert all(messages and all(messages) for messages in errors.values())


@pytest.mark.parametrize(("field", "value"), [("kind", "praise"), ("channel", "fax")])
def test_submit_refuses_an_unknown_kind_or_channel(db, field, value):
    with pytest.raises(ValidationError) as refused:
        make_complaint(**{field: value})

    assert set(refused.value.message_dict) == {field}
    assert nothing_recorded()


def test_a_web_complaint_is_received_with_a_tracking_number_and_one_history_row(db):
    complaint = make_complaint()

    assert complaint.stage == Stage.RECEIVED
    assert Complaint.objects.get(tracking_number=complaint.tracking_number) == complaint
    assert stage_history(complaint) == [("complaints.complaint.received", "", Stage.RECEIVED)]


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.IN_PERSON])
def test_a_live_contact_without_contact_details_is_acknowledged_on_the_spot(db, channel, agent):
    # PROCESS.md stage 2: the tracking number is given during the contact itself.
    complaint = make_complaint(channel=channel, email="", phone="", actor=agent)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert complaint.acknowledged_at is not None
    assert stage_history(complaint) == [
        ("complaints.complaint.received", "", Stage.RECEIVED),
        ("complaints.complaint.acknowledged", Stage.RECEIVED, Stage.ACKNOWLEDGED),
    ]
    assert {event.actor for event in complaint.events.exclude(to_stage="")} == {agent}


def test_submit_stores_contact_details_normalised(db):
    complaint = make_complaint(email="  Ayse.Yilmaz@Example.COM ", phone="0532 123 45 67")

    assert complaint.contact_email == "ayse.yilmaz@example.com"
    assert complaint.contact_phone == "+905321234567"
    assert complaint.customer.email == "ayse.yilmaz@example.com"
    assert complaint.customer.phone == "+905321234567"


# --- Matching the customer ---------------------------------------------------------


def test_the_same_email_in_another_case_is_the_same_customer(db):
    first = make_complaint(email="ayse@example.com")
    second = make_complaint(email="  AYSE@Example.com", name="AYŞE YILMAZ")

    assert second.customer == first.customer
    assert Customer.objects.count() == 1


def test_without_an_email_the_same_phone_in_another_form_is_the_same_customer(db):
    first = make_complaint(email="", phone="0532 123 45 67")
    second = make_complaint(email="", phone="+90 532 123 45 67")

    assert second.customer == first.customer
    assert first.customer.phone == "+905321234567"


def test_a_phone_only_customer_who_later_gives_an_email_gets_a_second_record(db):
    # Typed details are unverified: intake never fills in a record (issue 8 item 2);
    # staff see both as possibly the same customer and merge them.
    first = make_complaint(email="", phone="05321234567")
    second = make_complaint(email="ayse@example.com", phone="05321234567")

    assert second.customer != first.customer
    first.customer.refresh_from_db()
    assert first.customer.email == ""


def test_a_shared_phone_does_not_merge_two_email_addresses(db):
    first = make_complaint(email="ayse@example.com", phone="05321234567")
    second = make_complaint(email="mehmet@example.com", phone="05321234567")

    assert second.customer != first.customer


def test_different_emails_are_different_customers(db):
    first = make_complaint(email="ayse@example.com")
    second = make_complaint(email="mehmet@example.com")

    assert second.customer != first.customer


# --- complaint_assign --------------------------------------------------------------


def test_assigning_records_who_had_it_and_who_has_it(complaint_in, agent, representative):
    complaint = complaint_in(Stage.TRACKING)  # assigned to the representative

    complaint_assign(complaint=complaint, assignee=agent, actor=representative)

    complaint.refresh_from_db()
    assert complaint.assignee == agent
    assert complaint.stage == Stage.TRACKING
    event = complaint.events.get(action="complaints.complaint.assigned")
    assert event.actor == representative
    assert event.data["from"]["id"] == representative.pk
    assert event.data["to"]["id"] == agent.pk
    assert not event.is_stage_change


def test_assigning_to_the_same_person_records_nothing(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    complaint_assign(complaint=complaint, assignee=representative, actor=representative)

    assert state_of(complaint) == before


def test_a_closed_complaint_cannot_be_reassigned(complaint_in, agent, representative, state_of):
    complaint = complaint_in(Stage.CLOSED)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_assign(complaint=complaint, assignee=agent, actor=representative)

    assert state_of(complaint) == before


def test_an_outsider_cannot_assign(complaint_in, outsider, state_of):
    complaint = complaint_in(Stage.CLASSIFIED)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_assign(complaint=complaint, assignee=outsider, actor=outsider)

    assert state_of(complaint) == before


# --- complaint_reprioritize --------------------------------------------------------


def test_reprioritizing_records_the_reason_and_the_change(complaint_in, representative):
    complaint = complaint_in(Stage.TRACKING)  # financial: normal

    complaint_reprioritize(
        complaint=complaint,
        priority=Priority.HIGH,
        reason="  Müşterinin işi durdu.  ",
        actor=representative,
    )

    complaint.refresh_from_db()
    assert complaint.priority == Priority.HIGH
    assert complaint.priority_override_reason == "Müşterinin işi durdu."
    event = complaint.events.get(action="complaints.complaint.reprioritized")
    assert event.data == {"from": Priority.NORMAL, "to": Priority.HIGH}
    assert event.note == "Müşterinin işi durdu."
    assert event.actor == representative


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_reprioritizing_without_a_reason_is_refused(reason, complaint_in, representative, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_reprioritize(
            complaint=complaint, priority=Priority.HIGH, reason=reason, actor=representative
        )

    assert set(refused.value.errors) == {"priority_override_reason"}
    assert state_of(complaint) == before


def test_reprioritizing_to_an_unknown_priority_is_refused(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_reprioritize(
            complaint=complaint, priority="urgent", reason="Acil", actor=representative
        )

    assert set(refused.value.errors) == {"priority"}
    assert state_of(complaint) == before


@pytest.mark.parametrize("stage", [Stage.ACKNOWLEDGED, Stage.CLOSED])
def test_only_a_classified_open_complaint_can_be_reprioritized(
    stage, complaint_in, representative, state_of
):
    complaint = complaint_in(stage)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_reprioritize(
            complaint=complaint, priority=Priority.HIGH, reason="Acil", actor=representative
        )

    assert state_of(complaint) == before


def test_an_agent_cannot_reprioritize(complaint_in, agent, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_reprioritize(
            complaint=complaint, priority=Priority.HIGH, reason="Acil", actor=agent
        )

    assert state_of(complaint) == before


# --- complaint_message_add ---------------------------------------------------------


def test_a_customer_message_is_stored_and_recorded(complaint_in):
    complaint = complaint_in(Stage.TRACKING)

    message = complaint_message_add(
        complaint=complaint,
        body="  Hâlâ bağlantı kopuyor.  ",
        author_kind=ComplaintMessage.Author.CUSTOMER,
        channel=Channel.EMAIL,
    )

    assert message.body == "Hâlâ bağlantı kopuyor."
    assert (message.internal, message.author) == (False, None)
    event = complaint.events.get(action="complaints.message.from_customer")
    assert event.data == {"message": message.pk, "channel": Channel.EMAIL}
    assert event.actor is None


def test_staff_can_write_an_internal_note(complaint_in, agent):
    complaint = complaint_in(Stage.TRACKING)

    message = complaint_message_add(
        complaint=complaint,
        body="Saha ekibine iletildi.",
        author_kind=ComplaintMessage.Author.STAFF,
        channel=Channel.PHONE,
        actor=agent,
        internal=True,
    )

    assert (message.internal, message.author) == (True, agent)
    event = complaint.events.get(action="complaints.message.internal_note")
    assert event.actor == agent
    assert event.data["message"] == message.pk


def test_a_customer_cannot_write_an_internal_note(complaint_in, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_message_add(
            complaint=complaint,
            body="Gizli not",
            author_kind=ComplaintMessage.Author.CUSTOMER,
            channel=Channel.WEB,
            internal=True,
        )

    assert set(refused.value.errors) == {"internal"}
    assert state_of(complaint) == before
    assert not ComplaintMessage.objects.exists()


def test_an_outsider_cannot_write_as_staff(complaint_in, outsider, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_message_add(
            complaint=complaint,
            body="Merhaba",
            author_kind=ComplaintMessage.Author.STAFF,
            channel=Channel.EMAIL,
            actor=outsider,
        )

    assert state_of(complaint) == before
    assert not ComplaintMessage.objects.exists()


def test_an_empty_message_is_refused(complaint_in, state_of):
    complaint = complaint_in(Stage.TRACKING)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_message_add(
            complaint=complaint,
            body="   ",
            author_kind=ComplaintMessage.Author.CUSTOMER,
            channel=Channel.WEB,
        )

    assert set(refused.value.errors) == {"body"}
    assert state_of(complaint) == before


# --- complaint_record_answer -------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.REQUEST])
def test_an_accepted_decision_closes_the_complaint(kind, complaint_in):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=kind)

    complaint_record_answer(complaint=complaint, answer=Answer.ACCEPTED, channel=Channel.WEB)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == Answer.ACCEPTED
    assert complaint.customer_answer_channel == Channel.WEB
    assert complaint.customer_answered_at is not None
    assert complaint.closed_at is not None


def test_feedback_whose_answer_is_accepted_is_closed(complaint_in):
    # Feedback needs no acceptance to close, but a customer who does answer
    # "accepted" closes it like any other kind (the admin's Close button sends
    # the same implied answer, see complaints/forms.py IMPLIED_FIELDS).
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=Kind.FEEDBACK)

    complaint_record_answer(complaint=complaint, answer=Answer.ACCEPTED, channel=Channel.WEB)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == Answer.ACCEPTED


@pytest.mark.parametrize("kind", Kind)
def test_a_rejected_decision_goes_back_to_analysis(kind, complaint_in):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=kind)

    complaint_record_answer(
        complaint=complaint,
        answer=Answer.REJECTED,
        channel=Channel.PHONE,
        reason="İade yapılmadı.",
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_ANALYSIS
    assert complaint.reopen_count == 1
    assert complaint.customer_answer_reason == "İade yapılmadı."
    reopened = complaint.events.get(action="complaints.complaint.reopened")
    assert reopened.note == "İade yapılmadı."


def test_a_rejection_without_a_reason_is_refused(complaint_in, state_of):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_record_answer(complaint=complaint, answer=Answer.REJECTED, channel=Channel.WEB)

    assert set(refused.value.errors) == {"customer_answer_reason"}
    assert state_of(complaint) == before


def test_an_answer_other_than_accepted_or_rejected_is_refused(complaint_in, state_of):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_record_answer(complaint=complaint, answer="maybe", channel=Channel.WEB)

    assert set(refused.value.errors) == {"customer_answer"}
    assert state_of(complaint) == before


def test_an_answer_before_the_decision_is_refused(complaint_in, state_of):
    complaint = complaint_in(Stage.RESPONDED)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_record_answer(complaint=complaint, answer=Answer.ACCEPTED, channel=Channel.WEB)

    assert state_of(complaint) == before


# --- The complaint_event hook ------------------------------------------------------


@pytest.fixture
def received_signals():
    """Every `complaint_event` sent during the test, with what the receiver saw."""
    seen: list[dict] = []

    def receiver(sender, event, complaint, **kwargs):
        seen.append(
            {
                "event": event,
                "complaint": complaint,
                "in_database": ComplaintEvent.objects.filter(pk=event.pk).exists(),
            }
        )

    complaint_event.connect(receiver, dispatch_uid="test-services-received-signals")
    yield seen
    complaint_event.disconnect(dispatch_uid="test-services-received-signals")


def test_the_hook_is_sent_once_for_every_history_row(db, received_signals):
    complaint = make_complaint(channel=Channel.PHONE, email="", phone="05321234567")

    rows = list(complaint.events.order_by("id"))
    signalled = sorted((seen["event"] for seen in received_signals), key=lambda e: e.pk)
    assert signalled == rows
    assert [event.action for event in signalled if event.is_stage_change] == [
        "complaints.complaint.received",
        "complaints.complaint.acknowledged",
    ]
    assert all(seen["complaint"].pk == complaint.pk for seen in received_signals)
    assert all(seen["in_database"] for seen in received_signals)


def test_the_hook_carries_the_stage_change(complaint_in, representative, received_signals):
    complaint = complaint_in(Stage.ACKNOWLEDGED)
    received_signals.clear()

    complaint_transition(
        complaint=complaint,
        to=Stage.CLASSIFIED,
        actor=representative,
        fields={"category": category("financial")},
    )

    [seen] = [seen for seen in received_signals if seen["event"].is_stage_change]
    assert seen["event"].action == "complaints.complaint.classified"
    assert (seen["event"].from_stage, seen["event"].to_stage) == (
        Stage.ACKNOWLEDGED,
        Stage.CLASSIFIED,
    )
    assert seen["complaint"].stage == Stage.CLASSIFIED
    assert seen["complaint"].priority == Priority.NORMAL


def test_a_failing_receiver_undoes_the_change_that_sent_it(complaint_in, representative, state_of):
    # The hook is sent inside the transaction: a receiver's failure is the change's failure.
    complaint = complaint_in(Stage.RECEIVED)
    before = state_of(complaint)

    def broken(sender, event, **kwargs):
        raise RuntimeError("outbox unavailable")

    complaint_event.connect(broken, dispatch_uid="test-services-broken")
    try:
        with pytest.raises(RuntimeError):
            complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=representative)
    finally:
        complaint_event.disconnect(dispatch_uid="test-services-broken")

    assert state_of(complaint) == before


class Abort(Exception):
    pass


def test_rows_a_receiver_writes_roll_back_with_the_change(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.RECEIVED)
    before = state_of(complaint)

    def writes_a_message(sender, event, complaint, **kwargs):
        if event.action != "complaints.complaint.acknowledged":
            return
        ComplaintMessage.objects.create(
            complaint=complaint,
            author_kind=ComplaintMessage.Author.STAFF,
            channel=Channel.EMAIL,
            body=f"Notice for {event.action}",
        )

    complaint_event.connect(writes_a_message, dispatch_uid="test-services-writer")
    try:
        with pytest.raises(Abort), transaction.atomic():
            complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=representative)
            assert ComplaintMessage.objects.filter(complaint=complaint).count() == 1
            raise Abort
    finally:
        complaint_event.disconnect(dispatch_uid="test-services-writer")

    assert state_of(complaint) == before
    assert not ComplaintMessage.objects.exists()


# --- Changing the category after evaluation ----------------------------------------


def test_a_new_category_brings_its_default_priority_and_moves_the_due_date(representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)  # financial, normal
    due_before = Complaint.objects.get(pk=complaint.pk).resolution_due_at
    complaint = complaint_recategorize(
        complaint=complaint,
        category=category("company-not-at-fault"),
        reason="İnceleme sonucu kusur yok.",
        actor=representative,
    )
    complaint.refresh_from_db()
    assert complaint.category is not None
    assert (complaint.category.code, complaint.priority) == ("company-not-at-fault", "low")
    actions = list(complaint.events.values_list("action", flat=True))
    # The sla app moves the due date when it sees the priority change.
    assert actions[-3:] == [
        "complaints.complaint.recategorized",
        "complaints.complaint.reprioritized",
        "sla.resolution.due_changed",
    ]
    assert due_before is not None and complaint.resolution_due_at is not None
    assert complaint.resolution_due_at > due_before  # 5 business days instead of 3


def test_an_overridden_priority_stays_when_the_category_changes(representative):
    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    complaint_reprioritize(
        complaint=complaint, priority="high", reason="Basına yansıdı.", actor=representative
    )
    complaint = complaint_recategorize(
        complaint=complaint,
        category=category("communication"),
        reason="Asıl sorun bilgilendirme.",
        actor=representative,
    )
    complaint.refresh_from_db()
    assert complaint.category is not None
    assert (complaint.category.code, complaint.priority) == ("communication", "high")
    assert complaint.priority_override_reason == "Basına yansıdı."


def test_changing_the_category_needs_a_reason_a_classified_complaint_and_permission(
    agent, outsider
):
    classified = advance(make_complaint(), Stage.CLASSIFIED, agent)
    with pytest.raises(GuardFailed):
        complaint_recategorize(
            complaint=classified, category=category("communication"), reason=" ", actor=agent
        )
    with pytest.raises(PermissionDenied):
        complaint_recategorize(
            complaint=classified, category=category("communication"), reason="x", actor=outsider
        )
    with pytest.raises(TransitionNotAllowed):
        complaint_recategorize(
            complaint=make_complaint(email="new@example.com"),
            category=category("communication"),
            reason="x",
            actor=agent,
        )
    classified.refresh_from_db()
    assert classified.category is not None
    assert classified.category.code == "financial"
