"""The managers' SLA dashboard (issue 3, item 6) and the state of a target (item 4)."""

import csv
import io
import random
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Answer, Channel, Complaint, Priority, RootCause, Stage
from complaints.services import complaint_record_answer, complaint_transition
from sla.rollup import figures_rebuild
from sla.selectors import dashboard_get
from sla.services import sla_sweep
from sla.statistics import DashboardFilters, default_period
from sla.targets import ACK, RESOLUTION, TARGETS, SlaState, sla_state_of, sla_state_q
from tests.helpers import advance

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def period(**extra) -> DashboardFilters:
    start, end = default_period(timezone.localdate())
    return DashboardFilters(date_from=start, date_to=end, **extra)


def board(now=None, **extra):
    return dashboard_get(filters=period(**extra), now=now)


# --- Who may see it ----------------------------------------------------------------------


def test_the_dashboard_is_mounted_at_its_contract_url():
    assert reverse("sla:dashboard") == "/dashboard/"
    assert reverse("sla:breaches_csv").startswith("/dashboard/")


@pytest.mark.parametrize("url", [URL, "/dashboard/breaches.csv"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("user", ["outsider", "agent", "representative"])
@pytest.mark.parametrize("url", [URL, "/dashboard/breaches.csv"])
def test_staff_without_the_permission_get_403(client, request, user, url):
    client.force_login(request.getfixturevalue(user))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("user", ["manager", "superuser"])
def test_managers_and_superusers_see_the_dashboard(client, request, user):
    client.force_login(request.getfixturevalue(user))

    response = client.get(URL)

    assert response.status_code == 200
    assert b"sla/vendor/chart.umd.min.js" in response.content


def test_the_manager_group_has_the_dashboard_permission():
    permission = Permission.objects.get(content_type__app_label="sla", codename="view_dashboard")

    assert Group.objects.get(name="Manager").permissions.filter(pk=permission.pk).exists()
    assert not Group.objects.get(name="Agent").permissions.filter(pk=permission.pk).exists()


def test_the_admin_menu_leads_managers_to_the_dashboard(client, manager, agent):
    client.force_login(manager)
    index = client.get(reverse("admin:index"))
    link = reverse("admin:sla_sladashboard_changelist")

    assert link.encode() in index.content
    assert client.get(link)["Location"] == reverse("sla:dashboard")

    client.force_login(agent)
    assert link.encode() not in client.get(reverse("admin:index")).content


def test_the_chart_library_is_served_from_the_projects_static_files(client, manager):
    from django.contrib.staticfiles import finders

    assert finders.find("sla/vendor/chart.umd.min.js")
    client.force_login(manager)
    assert b"cdn" not in client.get(URL).content.lower()


# --- What it shows --------------------------------------------------------------------------


def test_open_complaints_are_counted_by_stage_and_priority(receive, classify, representative):
    receive()
    classify(receive(), "unlawful-practice")
    advance(classify(receive(), "outside-scope"), Stage.TRACKING, representative)
    advance(classify(receive(), "financial"), Stage.CLOSED, representative)

    data = board()

    cells = {row["stage"]: row["cells"] for row in data.open_rows}  # high, normal, low, none
    assert cells[Stage.RECEIVED] == [0, 0, 0, 1]
    assert cells[Stage.CLASSIFIED] == [1, 0, 0, 0]
    assert cells[Stage.TRACKING] == [0, 0, 1, 0]
    assert data.open_total == 3  # the closed one is not open


def test_open_complaints_are_aged_since_receipt(receive):
    now = timezone.now()
    receive(at=now - timedelta(hours=2))
    receive(at=now - timedelta(days=2))
    receive(at=now - timedelta(days=40))

    ages = dict(board(now=now).ageing)

    assert list(ages.values()) == [1, 1, 0, 0, 0, 1]


def test_the_work_queues_list_due_today_at_risk_and_breached(receive):
    on_track = receive()
    at_risk = receive()
    breached = receive()
    now = on_track.ack_at_risk_after - timedelta(minutes=1)
    Complaint.objects.filter(pk=at_risk.pk).update(ack_at_risk_after=now - timedelta(minutes=1))
    Complaint.objects.filter(pk=breached.pk).update(
        ack_due_at=now - timedelta(minutes=1), ack_at_risk_after=now - timedelta(hours=1)
    )

    with translation.override("en"):
        data = board(now=now)

    assert [r.pk for r in data.at_risk] == [at_risk.pk]
    assert [r.pk for r in data.breached] == [breached.pk]
    assert data.counts["at_risk"] == 1
    assert data.counts["breached"] == 1
    assert data.at_risk[0].state == SlaState.AT_RISK
    assert data.breached[0].target_label == "Acknowledgement"
    due_today = {r.pk for r in data.due_today}
    if on_track.ack_due_at.astimezone(timezone.get_current_timezone()).date() == (
        now.astimezone(timezone.get_current_timezone()).date()
    ):
        assert due_today == {on_track.pk, at_risk.pk}


@pytest.mark.parametrize("kind", ["at_risk", "breached"])
def test_a_work_queue_shows_its_most_urgent_by_the_due_date_of_its_target(kind, receive, settings):
    settings.SLA_DASHBOARD_LIST_SIZE = 4
    rng = random.Random(kind)
    now = timezone.now()
    for complaint in [receive() for _ in range(14)]:
        # Few distinct due dates: ties, broken by the id.
        ack_due = now + timedelta(minutes=rng.choice([-300, -100, 30, 90]))
        resolution_due = now + timedelta(minutes=rng.choice([-250, -100, 45, 90]))
        Complaint.objects.filter(pk=complaint.pk).update(
            ack_due_at=ack_due,
            ack_at_risk_after=ack_due - timedelta(hours=3),
            ack_met_at=None if rng.random() < 0.6 else ack_due - timedelta(hours=1),
            resolution_due_at=resolution_due,
            resolution_at_risk_after=resolution_due - timedelta(hours=3),
        )
    queued = []
    for complaint in Complaint.objects.all():
        states = {t: sla_state_of(complaint=complaint, target=t, now=now) for t in TARGETS}
        if kind in states.values():
            target = ACK if states[ACK] == kind else RESOLUTION
            queued.append((getattr(complaint, target.due), complaint.pk))
    assert len(queued) > 4

    found = getattr(board(now=now), kind)

    assert [row.pk for row in found] == [pk for _due, pk in sorted(queued)[:4]]


def test_the_lists_link_into_the_admin(client, manager, receive):
    complaint = receive(at=timezone.now() - timedelta(days=3))  # breached acknowledgement
    client.force_login(manager)

    response = client.get(URL)

    link = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    assert link.encode() in response.content
    assert complaint.tracking_number.encode() in response.content


def test_the_filters_narrow_every_panel(receive, classify):
    classify(receive(channel=Channel.WEB), "unlawful-practice")
    classify(receive(channel=Channel.EMAIL), "outside-scope")

    assert board(priority=Priority.HIGH).open_total == 1
    assert board(channel=Channel.EMAIL).open_total == 1
    assert board(channel=Channel.SMS).open_total == 0
    from tests.factories import category

    assert board(category_id=category("outside-scope").pk).open_total == 1


def test_the_view_applies_the_filters_from_the_query_string(client, manager, receive, classify):
    classify(receive(channel=Channel.WEB), "unlawful-practice")
    classify(receive(channel=Channel.EMAIL), "outside-scope")
    client.force_login(manager)

    response = client.get(URL, {"priority": "high", "by": "channel"})

    assert response.status_code == 200
    assert response.context["board"].open_total == 1
    assert response.context["dimension"] == "channel"


def test_a_reversed_period_is_refused_with_a_message(client, manager):
    client.force_login(manager)

    response = client.get(
        URL, {"date_from": "2026-06-01", "date_to": "2026-05-01", "priority": "high"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    filters = response.context["filters"]
    assert (filters.date_from, filters.date_to) == default_period(timezone.localdate())
    assert filters.priority == "high"  # the valid filters are kept


def test_on_time_share_per_week_by_priority_channel_and_category(receive, classify, representative):
    now = timezone.now()
    on_time = advance(receive(), Stage.ACKNOWLEDGED, representative)  # acknowledged at once
    late = receive(at=now - timedelta(days=3))  # acknowledged days after its due date
    advance(late, Stage.ACKNOWLEDGED, representative)
    receive()  # not decided yet: due later (or just now), not acknowledged

    data = board(now=now)

    ack = data.overall["ack"]
    assert (ack.on_time, ack.decided) == (1, 2)
    assert ack.percent == 50.0
    assert len(data.weeks) == 12
    assert len(ack.values) == 12
    channels = {s.key: s for s in data.compliance["ack"]["channel"]}
    assert (channels["web"].on_time, channels["web"].decided) == (1, 2)
    assert set(data.compliance["ack"]) == {"priority", "channel", "category"}
    assert on_time.pk != late.pk


def test_median_and_90th_percentile_times_are_in_business_hours(receive):
    complaints = [receive() for _ in range(10)]
    for hours, complaint in enumerate(complaints, start=1):
        Complaint.objects.filter(pk=complaint.pk).update(
            ack_business_seconds=hours * 3600, resolution_business_seconds=hours * 7200
        )
    # Written behind the events' back (update()): recount, as after any such write.
    figures_rebuild()

    timings = board().timings

    assert timings["ack_p50"] == 5.5
    assert timings["ack_p90"] == 9.1
    assert timings["decision_p50"] == 11.0
    assert timings["decision_p90"] == 18.2


def test_reopen_rate_is_the_share_of_decided_complaints_reopened(receive, classify, representative):
    for _ in range(3):
        advance(classify(receive()), Stage.DECISION_NOTIFIED, representative)
    reopened = advance(classify(receive()), Stage.DECISION_NOTIFIED, representative)
    complaint_record_answer(
        complaint=reopened,
        answer=Answer.REJECTED,
        channel=Channel.PHONE,
        reason="Olmadı.",
        actor=representative,
    )
    receive()  # no decision yet: not counted

    data = board()

    assert (data.reopened, data.decided) == (1, 4)
    assert data.reopen_rate == 25.0


def test_root_causes_found_in_the_period_are_counted_most_frequent_first(
    receive, classify, representative
):
    for _ in range(2):
        advance(classify(receive()), Stage.RESPONDED, representative)  # root cause "process"
    technical = advance(classify(receive()), Stage.IN_ANALYSIS, representative)
    complaint_transition(
        complaint=technical,
        to=Stage.RESPONDED,
        actor=representative,
        fields={
            "root_cause": RootCause.objects.get(code="technical"),
            "root_cause_analysis": "Modem yazılımı",
            "solution_proposal": "Güncelleme",
        },
    )
    receive()  # no root cause yet: not counted

    with translation.override("en"):
        data = board()

    assert data.root_causes == [("Process failure", 2), ("Technical fault", 1)]


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, manager, receive, classify, representative, django_assert_max_num_queries
):
    client.force_login(manager)
    for stage in (Stage.RECEIVED, Stage.CLASSIFIED, Stage.CLOSED):
        advance(receive(), stage, representative)
    small = _dashboard_queries(client)
    for _ in range(5):
        for stage in (Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.TRACKING, Stage.CLOSED):
            advance(receive(at=timezone.now() - timedelta(days=4)), stage, representative)
    sla_sweep(now=timezone.now())

    with django_assert_max_num_queries(small):
        client.get(URL)
    assert _dashboard_queries(client) == small
    # The panels' queries, plus the waiting-on-the-customer figures and (on
    # PostgreSQL) the local settings of the period's queries (work_mem, no
    # parallel workers) in one statement: a constant.
    assert small <= 17


def test_the_page_is_translated_through_gettext(client, manager):
    client.force_login(manager)

    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    turkish = client.get(URL, HTTP_ACCEPT_LANGUAGE="tr")

    assert b'lang="en"' in english.content
    assert b"Service levels" in english.content
    assert b'lang="tr"' in turkish.content
    assert reverse("set_language").encode() in turkish.content


# --- The breach log (CSV) -------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_breach_csv_lists_breaches_of_the_period_closed_ones_included(
    client, manager, receive, classify, representative
):
    breached = classify(receive(at=timezone.now() - timedelta(days=7)), "unlawful-practice")
    sla_sweep(now=timezone.now())  # records the resolution breach (the late ack is recorded)
    advance(breached, Stage.CLOSED, representative)
    advance(receive(), Stage.ACKNOWLEDGED, representative)  # on time: not listed
    client.force_login(manager)

    response = client.get(reverse("sla:breaches_csv"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 2
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["Tracking number"] == breached.tracking_number
    assert record["Stage"] == "Closed"
    assert record["Resolution state"] == "Met late"
    assert record["Resolution breach recorded at"]
    assert record["Breaches"] == "2"  # the acknowledgement and the resolution


def test_the_breach_csv_neutralises_spreadsheet_formulas(client, manager, receive):
    receive(at=timezone.now() - timedelta(days=3), subject='=HYPERLINK("http://x")')
    sla_sweep(now=timezone.now())
    client.force_login(manager)

    rows = _csv(client.get(reverse("sla:breaches_csv"), HTTP_ACCEPT_LANGUAGE="en"))

    subject = dict(zip(rows[0], rows[1], strict=True))["Subject"]
    assert subject.startswith("'=")


def test_the_breach_csv_follows_the_filters(client, manager, receive):
    receive(at=timezone.now() - timedelta(days=3), channel=Channel.WEB)
    receive(at=timezone.now() - timedelta(days=3), channel=Channel.EMAIL)
    sla_sweep(now=timezone.now())
    client.force_login(manager)

    rows = _csv(client.get(reverse("sla:breaches_csv"), {"channel": "email"}))

    assert len(rows) == 2


def test_the_breach_csv_is_one_query_whatever_its_length(client, manager, receive):
    for _ in range(3):
        receive(at=timezone.now() - timedelta(days=3))
    sla_sweep(now=timezone.now())
    client.force_login(manager)

    with CaptureQueriesContext(connection) as few:
        _csv(client.get(reverse("sla:breaches_csv")))
    for _ in range(10):
        receive(at=timezone.now() - timedelta(days=3))
    sla_sweep(now=timezone.now())
    with CaptureQueriesContext(connection) as many:
        rows = _csv(client.get(reverse("sla:breaches_csv")))

    assert len(rows) == 14
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The state of a target -------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_each_target_state_is_the_same_in_sql_and_in_python(receive, target):
    now = timezone.now()
    hour = timedelta(hours=1)
    cases: dict[SlaState, dict[str, datetime | None]] = {
        SlaState.ON_TRACK: {"due": now + 2 * hour, "risk": now + hour, "met": None},
        SlaState.AT_RISK: {"due": now + hour, "risk": now - hour, "met": None},
        SlaState.BREACHED: {"due": now - hour, "risk": now - 2 * hour, "met": None},
        SlaState.MET: {"due": now + hour, "risk": now, "met": now - hour},
        SlaState.MET_LATE: {"due": now - 2 * hour, "risk": now - 3 * hour, "met": now - hour},
        SlaState.NO_TARGET: {"due": None, "risk": None, "met": None},
    }
    ids = {}
    for state, values in cases.items():
        complaint = receive()
        Complaint.objects.filter(pk=complaint.pk).update(
            **{
                target.due: values["due"],
                target.at_risk_after: values["risk"],
                target.met: values["met"],
            }
        )
        ids[state] = complaint.pk

    for state, pk in ids.items():
        matching = set(
            Complaint.objects.filter(sla_state_q(target=target, state=state, now=now)).values_list(
                "pk", flat=True
            )
        )
        assert pk in matching, state
        assert matching & set(ids.values()) == {pk}, state
        assert sla_state_of(complaint=Complaint.objects.get(pk=pk), target=target, now=now) == state


def test_targets_have_their_history_codes():
    assert [t.at_risk_action for t in (ACK, RESOLUTION)] == [
        "sla.ack.at_risk",
        "sla.resolution.at_risk",
    ]
    assert [t.breached_action for t in (ACK, RESOLUTION)] == [
        "sla.ack.breached",
        "sla.resolution.breached",
    ]


def test_the_default_period_is_the_last_twelve_whole_weeks():
    start, end = default_period(date(2026, 11, 25))  # a Wednesday

    assert start == date(2026, 9, 7)  # a Monday, eleven weeks before this one
    assert end == date(2026, 11, 29)  # this week's Sunday


@pytest.mark.parametrize(
    "query",
    [
        "date_from=9999-12-31",
        "date_to=9999-12-31",
        "date_from=9999-12-31&date_to=9999-12-31",
        "date_to=0001-01-01",
        "date_from=0001-01-01&date_to=0001-01-01",
    ],
)
@pytest.mark.parametrize("url", [URL, "/dashboard/breaches.csv"])
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_500(client, manager, url, query):
    client.force_login(manager)
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    if url.endswith(".csv"):
        b"".join(response.streaming_content)
