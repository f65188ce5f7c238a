"""The public tracking page /track/ (CONTRACT.md, issue 2 item 7)."""

import pytest

from complaints import tracking
from complaints.models import Stage
from tests.factories import make_complaint
from tests.helpers import advance, public_status

pytestmark = pytest.mark.django_db


def _status(client, complaint, **headers):
    """The page answers, and what it shows is the selector's status of the complaint."""
    response = client.get(f"/track/{complaint.tracking_number}/", **headers)
    assert response.status_code == 200
    return public_status(complaint)


def test_a_new_complaint_is_shown_in_received_with_all_eight_stages(client):
    complaint = make_complaint()
    response = client.get(f"/track/{complaint.tracking_number}/")
    assert response.status_code == 200
    steps = public_status(complaint).steps
    assert [s.stage for s in steps] == list(Stage)
    assert [s.is_current for s in steps] == [True] + [False] * 7
    assert 'aria-current="step"' in response.content.decode()


def test_the_page_shows_no_personal_data(client):
    complaint = make_complaint(
        name="Gizli Müşteri", email="gizli@example.com", subject="Özel konu", description="Detay"
    )
    body = client.get(f"/track/{complaint.tracking_number}/").content.decode()
    for secret in ("Gizli Müşteri", "gizli@example.com", "Özel konu", "Detay"):
        assert secret not in body


def test_stages_passed_show_their_dates_and_the_current_one_is_highlighted(client, representative):
    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    status = _status(client, complaint)
    done = [s for s in status.steps if s.is_done]
    assert [s.stage for s in done] == [Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.CLASSIFIED]
    assert all(s.reached_at for s in done)
    current = next(s for s in status.steps if s.is_current)
    assert current.stage == Stage.TRACKING


def test_lowercase_and_spaced_numbers_are_understood(client):
    complaint = make_complaint()
    typed = complaint.tracking_number.replace("-", " ").lower()
    response = client.get("/track/", {"number": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/track/{complaint.tracking_number}/"


def test_an_unknown_number_gives_404_with_a_clear_message(client):
    number = tracking.generate()
    response = client.get(f"/track/{number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "could not find" in response.content.decode()


def test_a_mistyped_number_gives_the_same_404_without_a_query(client, django_assert_num_queries):
    complaint = make_complaint()
    symbols = complaint.tracking_number
    # Swap the first two neighbours that differ: the check symbol catches it.
    i = next(
        i
        for i in range(len(symbols) - 1)
        if "-" not in symbols[i : i + 2] and symbols[i] != symbols[i + 1]
    )
    swapped = symbols[:i] + symbols[i + 1] + symbols[i] + symbols[i + 2 :]
    with django_assert_num_queries(0):
        response = client.get(f"/track/{swapped}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "could not find" in response.content.decode()


def test_a_reopened_complaint_shows_it_was_re_evaluated(client, representative):
    from complaints.services import complaint_record_answer

    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    complaint_record_answer(
        complaint=complaint, answer="rejected", channel="phone", reason="Yetersiz", actor=None
    )
    status = _status(client, complaint)
    assert status.stage == Stage.IN_ANALYSIS
    assert status.reopen_count == 1


def test_the_acknowledgement_due_date_is_shown_only_until_acknowledged(client, representative):
    complaint = make_complaint()
    page = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Acknowledgement due" in page.content.decode()

    advance(complaint, Stage.ACKNOWLEDGED, representative)
    page = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert public_status(complaint).ack_met
    assert "Acknowledgement due" not in page.content.decode()


def test_the_solution_due_date_is_not_shown_once_the_decision_is_notified(client, representative):
    complaint = advance(make_complaint(), Stage.CLASSIFIED, representative)
    page = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Solution proposal due" in page.content.decode()

    advance(complaint, Stage.DECISION_NOTIFIED, representative)
    page = client.get(f"/track/{complaint.tracking_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Solution proposal due" not in page.content.decode()
