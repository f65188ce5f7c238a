"""The survey page: a signed, single-use, expiring link; works without
JavaScript, Turkish first and English, accessible; a low score alerts the
representative; a one-click opt-out that a link scanner cannot trigger."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import codes as complaint_codes
from complaints.models import ComplaintEvent
from improvement import codes
from improvement.models import SurveyInvitation, SurveyOptOut, SurveyResponse
from improvement.services.survey import survey_invite
from notifications.models import Notification
from tests.factories import UserFactory

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def test_the_page_asks_five_questions_each_in_a_fieldset_with_its_legend(client, invited):
    _invitation, token = invited
    response = client.get(f"/survey/{token}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="tr">' in html
    assert html.count('<fieldset class="scale') == 5
    assert html.count("<legend>") == 5
    assert "Şikâyetinizi iletmek ne kadar kolaydı?" in html
    for name in ("ease", "informed", "timeliness", "fairness", "overall"):
        for score in range(1, 6):
            assert f'id="id_{name}_{score - 1}"' in html
        assert f'<label class="choice" for="id_{name}_0">' in html
    assert '<label for="id_comment">' in html
    assert "<script" not in html.split("<main", 1)[1]  # the form needs no JavaScript
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_speaks_english_to_an_english_customer(client, closed):
    complaint = closed(language="en", email="jane@example.com")
    from improvement.services.survey import survey_token

    token = survey_token(invitation=complaint.survey_invitation)
    html = client.get(f"/survey/{token}/").content.decode()
    assert '<html lang="en">' in html
    assert "How easy was it to make your complaint?" in html


def test_answering_records_the_scores_once_and_spends_the_link(client, invited):
    invitation, token = invited
    response = client.post(f"/survey/{token}/", good_answers(comment="Hızlıydınız."))

    assert response.status_code == 200
    saved = SurveyResponse.objects.get(invitation=invitation)
    assert saved.scores == {"ease": 4, "informed": 5, "timeliness": 4, "fairness": 5, "overall": 5}
    assert saved.comment == "Hızlıydınız."
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    assert ComplaintEvent.objects.filter(
        complaint=invitation.complaint, action=codes.SURVEY_ANSWERED
    ).exists()

    again = client.post(f"/survey/{token}/", good_answers(overall="1"))
    assert again.status_code == 410
    assert 'data-reason="used"' in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert client.get(f"/survey/{token}/").status_code == 410


def test_missing_answers_are_listed_in_an_error_summary_linked_to_each_question(client, invited):
    _invitation, token = invited
    response = client.post(f"/survey/{token}/", {"ease": "4", "overall": "9"})

    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in html
    for name in ("informed", "timeliness", "fairness", "overall"):
        assert f'href="#id_{name}_0"' in summary
    assert 'href="#id_ease_0"' not in summary
    assert 'aria-describedby="id_informed_errors"' in html
    assert html.count('class="scale has-error"') == 4
    # the answer already given is kept
    assert re.search(r'value="4"[^>]*id="id_ease_3"[^>]*checked|id="id_ease_3"[^>]*checked', html)
    assert not SurveyResponse.objects.exists()


def test_a_tampered_or_unknown_link_is_refused_with_a_clear_page(client, invited):
    _invitation, token = invited
    number, signature = token.split(":")
    for bad in (f"{int(number) + 1}:{signature}", f"{number}:{signature[:-2]}xx", "nonsense"):
        response = client.get(f"/survey/{bad}/")
        assert response.status_code == 410
        assert 'data-reason="invalid"' in response.content.decode()
    assert client.post(f"/survey/{number}:{signature[::-1]}/", good_answers()).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_is_refused_and_records_nothing(client, invited):
    invitation, token = invited
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        expires_at=timezone.now() - timedelta(days=1),
    )
    response = client.post(f"/survey/{token}/", good_answers())
    assert response.status_code == 410
    assert 'data-reason="expired"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_score_of_one_or_two_alerts_the_representative(client, closed, representative):
    other = UserFactory(username="rep2", groups=["Representative"])
    complaint = closed()
    from improvement.services.survey import survey_token

    token = survey_token(invitation=complaint.survey_invitation)
    client.post(f"/survey/{token}/", good_answers(timeliness="2", comment="Çok geç kaldınız."))

    alert = ComplaintEvent.objects.get(complaint=complaint, action=complaint_codes.STAFF_ALERTED)
    assert alert.data["notice"] == "survey_low_score"
    assert alert.data["low"] == ["timeliness"]
    notices = Notification.objects.filter(complaint=complaint, kind="survey_low_score")
    # the complaint's representative and every member of the group, each once
    assert sorted(n.recipient for n in notices) == sorted([representative.email, other.email])
    assert {n.channel for n in notices} == {"email"}


def test_good_scores_alert_nobody(client, invited):
    _invitation, token = invited
    client.post(f"/survey/{token}/", good_answers(overall="3"))
    assert not ComplaintEvent.objects.filter(action=complaint_codes.STAFF_ALERTED).exists()
    assert not Notification.objects.filter(kind="survey_low_score").exists()


def test_the_opt_out_link_shows_one_button_and_only_its_post_records_the_opt_out(
    client, invited, closed
):
    invitation, token = invited
    page = client.get(f"/survey/{token}/opt-out/")
    assert page.status_code == 200
    assert '<form method="post"' in page.content.decode()
    assert not SurveyOptOut.objects.exists()  # a link scanner's GET changes nothing

    done = client.post(f"/survey/{token}/opt-out/")
    assert done.status_code == 200
    assert SurveyOptOut.objects.filter(customer=invitation.customer).exists()
    client.post(f"/survey/{token}/opt-out/")
    assert (
        ComplaintEvent.objects.filter(action=codes.SURVEY_OPTED_OUT).count() == 1
    )  # recorded once

    later = closed(subject="Başka bir sorun")
    assert not SurveyInvitation.objects.filter(complaint=later).exists()


def test_the_opt_out_still_works_after_the_survey_was_answered(client, invited):
    invitation, token = invited
    client.post(f"/survey/{token}/", good_answers())
    used = client.get(f"/survey/{token}/")
    assert f"/survey/{token}/opt-out/" in used.content.decode()
    assert client.post(f"/survey/{token}/opt-out/").status_code == 200
    assert SurveyOptOut.objects.filter(customer=invitation.customer).exists()


def test_invite_twice_returns_the_same_invitation(invited):
    invitation, _token = invited
    assert survey_invite(complaint=invitation.complaint) == invitation
