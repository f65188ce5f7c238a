"""The complaint list's ChangeList: an ordering the column headers do not offer
(``?o=`` typed by hand) is ignored rather than sorting a million rows (issue 15;
ComplaintAdmin.get_sortable_by says which columns an index sorts)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.main import ChangeList


class ComplaintChangeList(ChangeList):
    def get_ordering_field(self, field_name: Any) -> Any:
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)
