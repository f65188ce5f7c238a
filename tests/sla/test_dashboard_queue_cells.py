"""The work queues' cells are computed once in Python (sla.queues), and print
exactly what the template's filters printed before (docs/performance.md,
"The last step: rendering and queries")."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from complaints.models import Complaint
from sla.selectors import dashboard_get
from sla.statistics import DashboardFilters, default_period

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
