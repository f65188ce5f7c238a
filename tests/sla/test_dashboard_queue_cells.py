"""The work queues' cells are computed once in Python (sla.queues), and print
exactly what the template's filters printed before (docs/performance.md,
"The last step: rendering and queries")."""

import importlib
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from complaints.models import Complaint
from complaints.workflow import OPEN_STAGES
from sla.selectors import dashboard_get
from sla.statistics import DashboardFilters, default_period
from sla.targets import TARGETS

pytestmark = pytest.mark.django_db

# The cells as the queue template wrote them with its filters, row by row.
BY_FILTERS = Template(
    "{% load i18n %}"
    "<a href=\"{% url 'admin:complaints_complaint_change' row.pk %}\">{{ row.tracking_number }}</a>"
    "<td>{{ row.subject|truncatechars:60 }}</td>"
    "<time datetime=\"{{ row.due_at|date:'c' }}\">"
    "{{ row.due_at|date:'SHORT_DATETIME_FORMAT' }}</time>"
    "<span>{{ row.state.label }}</span>"
)
PRECOMPUTED = Template(
    '<a href="{{ row.href }}">{{ row.tracking_number }}</a>'
    "<td>{{ row.subject_short }}</td>"
    '<time datetime="{{ row.due_iso }}">{{ row.due_text }}</time>'
    "<span>{{ row.state_label }}</span>"
)


@pytest.mark.parametrize("language", ["tr", "en"])
def test_a_queue_row_prints_what_the_template_filters_printed(receive, language):
    long_subject = "Kartımdan iki kez çekim yapıldı & iade <hâlâ> yapılmadı, " * 3
    late = receive(at=timezone.now() - timedelta(days=3), subject=long_subject)
    Complaint.objects.filter(pk=late.pk).update(subject=long_subject)
    start, end = default_period(timezone.localdate())

    with translation.override(language):
        board = dashboard_get(filters=DashboardFilters(date_from=start, date_to=end))
        [row] = [r for r in board.breached if r.pk == late.pk]
        before = BY_FILTERS.render(Context({"row": row}))
        after = PRECOMPUTED.render(Context({"row": row}))

    assert len(row.subject_short) == 60
    assert after == before


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
