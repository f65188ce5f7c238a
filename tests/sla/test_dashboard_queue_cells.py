"""The work queues' cells are computed once in Python (sla.queues), and print
exactly what the template's filters printed before (docs/performance.md,
"The last step: rendering and queries")."""

import importlib
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from complaints.models import Complaint, Priority
from complaints.workflow import OPEN_STAGES
from sla.selectors import dashboard_get
from sla.statistics import DashboardFilters, default_period
from sla.targets import TARGETS
from tests.factories import category

pytestmark = pytest.mark.django_db

# A row as the queue template wrote it with its filters, cell by cell, before
# sla/templatetags/sla_queue.py wrote it in one call.
BY_FILTERS = Template(
    """{% load i18n %}<tr>
        <td><a class="sla-mono" href="{% url 'admin:complaints_complaint_change' row.pk %}">\
{{ row.tracking_number }}</a></td>
        <td>{{ row.subject|truncatechars:60 }}</td>
        <td>{{ row.target_label }}</td>
        <td><time datetime="{{ row.due_at|date:'c' }}">\
{{ row.due_at|date:"SHORT_DATETIME_FORMAT" }}</time></td>
        <td><span class="sla-badge sla-{{ row.state }}">{{ row.state.label }}</span></td>
        <td>{% if row.priority %}<span class="sla-prio sla-prio-{{ row.priority }}">\
{{ row.priority_label }}</span>{% else %}—{% endif %}</td>
        <td>{{ row.stage_label }}</td>
        <td>{{ row.channel_label }}</td>
        <td>{{ row.category|default:"—" }}</td>
        <td>{{ row.assignee|default:"—" }}</td>
      </tr>"""
)
IN_ONE_CALL = Template("{% load sla_queue %}{{ row|queue_row }}")


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("classified", [False, True], ids=["not classified", "classified"])
def test_a_queue_row_prints_what_the_template_filters_printed(
    receive, representative, language, classified
):
    long_subject = "Kartımdan iki kez çekim yapıldı & iade <hâlâ> yapılmadı, " * 3
    late = receive(at=timezone.now() - timedelta(days=3))
    Complaint.objects.filter(pk=late.pk).update(subject=long_subject)
    if classified:
        Complaint.objects.filter(pk=late.pk).update(
            priority=Priority.HIGH, category=category("financial"), assignee=representative
        )
    start, end = default_period(timezone.localdate())

    with translation.override(language):
        board = dashboard_get(filters=DashboardFilters(date_from=start, date_to=end))
        [row] = [r for r in board.breached if r.pk == late.pk]
        before = BY_FILTERS.render(Context({"row": row}))
        after = IN_ONE_CALL.render(Context({"row": row}))

    assert len(row.subject_short) == 60
    assert ("—" in after) is not classified
    assert after == before


# The queue's body as the template's loop wrote it, before queue_body.
BY_LOOP = Template(
    "{% load sla_queue %}{% for row in rows %}\n      {{ row|queue_row }}\n    {% endfor %}"
)
BODY_IN_ONE_CALL = Template("{% load sla_queue %}{{ rows|queue_body }}")


def test_a_queues_body_prints_what_the_templates_loop_printed(receive):
    for days in (2, 3, 4):
        receive(at=timezone.now() - timedelta(days=days))
    start, end = default_period(timezone.localdate())
    board = dashboard_get(filters=DashboardFilters(date_from=start, date_to=end))
    assert len(board.breached) == 3

    for rows in (board.breached, []):
        context = Context({"rows": rows})
        assert BODY_IN_ONE_CALL.render(context) == BY_LOOP.render(context)


def test_the_covering_index_covers_every_open_stage_and_the_columns_the_panels_filter_on():
    migration = importlib.import_module("sla.migrations.0008_open_dashboard_index")
    filtered = {
        "channel",
        "category_id",
        "waiting_on_customer_since",
        *(c for t in TARGETS for c in t.state_columns),
    }

    assert tuple(stage.value for stage in OPEN_STAGES) == migration.OPEN_STAGES
    assert filtered <= set(migration.COLUMNS)
