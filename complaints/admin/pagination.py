"""The complaint list's pages without counting a million rows on every view
(issue 15): Django's paginator asks for ``COUNT(*)`` of the filtered list on
each request, which at 1M complaints reads the whole table or index.

Here a list is counted exactly only while it is short: a capped count
(``SELECT count(*) FROM (... LIMIT EXACT_UP_TO + 1)``) stops reading at the
cap whatever the filters. A longer list on PostgreSQL takes the planner's
estimate of the filtered query (``EXPLAIN``: from the table's statistics, the
same numbers it plans with), and the page says "about". Other databases
(SQLite in development) count exactly.

A search has often counted already (complaints.search.Found): a rare word's
matches were read as a list of ids, so their number is known; a common word's
first step stopped past FEW_MATCHES, so the list is long and the capped count
would read the same GIN bitmap again (about 100 ms at 1M) only to learn that.
The paginator is told (``found``) and asks nothing it already knows.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections

from ..search import Found

EXACT_UP_TO = 1000


class EstimatedCountPaginator(Paginator):
    is_estimate = False

    def __init__(self, *args: Any, found: Found | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found = found

    @cached_property
    def count(self) -> int:
        queryset: Any = self.object_list  # the changelist's QuerySet
        found = self.found
        if found is not None and found.count is not None:
            return found.count
        if connections[queryset.db].vendor != "postgresql":
            return int(super().count)
        if found is not None and found.more_than >= EXACT_UP_TO:
            self.is_estimate = True
            estimated = found.estimate_from if found.estimate_from is not None else queryset
            return max(planner_rows(estimated.order_by()), found.more_than + 1)
        # Unordered: the first EXACT_UP_TO + 1 matches in any order will do.
        unordered = queryset.order_by()
        counted = unordered[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        self.is_estimate = True
        return max(planner_rows(unordered), counted)


def planner_rows(queryset: Any) -> int:
    """The number of rows PostgreSQL's planner expects ``queryset`` to return."""
    plan = json.loads(queryset.select_related(None).explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
