"""A full export of complaints for audit, from the admin list's current
filter: XLSX (openpyxl, write-only) or CSV (UTF-8 with a byte-order mark, and
``;`` as the separator in Turkish, as Turkish Excel expects).

The customer's name, e-mail and phone are left out (KVKK: the tracking number
leads an auditor to the record); everything needed to check the process is in.
Rows are streamed from one query as tuples, never as model instances.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Channel, Kind, Priority, Stage

COLUMNS: tuple[tuple[str, str], ...] = (
    ("tracking_number", "Tracking number"),
    ("received_at", "Received at"),
    ("kind", "Kind"),
    ("channel", "Channel"),
    ("stage", "Stage"),
    ("priority", "Priority"),
    ("category__name_tr", "Category"),
    ("root_cause__name_tr", "Root cause"),
    ("assignee__username", "Representative"),
    ("acknowledged_at", "Acknowledged at"),
    ("ack_due_at", "Acknowledgement due"),
    ("ack_met_at", "Acknowledgement met at"),
    ("resolution_due_at", "Resolution due"),
    ("resolution_met_at", "Resolution met at"),
    ("decision_notified_at", "Decision notified at"),
    ("closed_at", "Closed at"),
    ("customer_answer", "Customer's answer"),
    ("breach_count", "SLA breaches"),
    ("reopen_count", "Times re-opened"),
    ("ack_business_seconds", "Business seconds to acknowledgement"),
    ("resolution_business_seconds", "Business seconds to decision"),
    ("subject", "Subject"),
)
_CHOICES: dict[str, type[models.TextChoices]] = {
    "kind": Kind,
    "channel": Channel,
    "stage": Stage,
    "priority": Priority,
}


def _headers() -> list[str]:
    # The labels are translated where the file is written (translation.override).
    names = {
        "Tracking number": _("Tracking number"),
        "Received at": _("Received at"),
        "Kind": _("Kind"),
        "Channel": _("Channel"),
        "Stage": _("Stage"),
        "Priority": _("Priority"),
        "Category": _("Category"),
        "Root cause": _("Root cause"),
        "Representative": _("Representative"),
        "Acknowledged at": _("Acknowledged at"),
        "Acknowledgement due": _("Acknowledgement due"),
        "Acknowledgement met at": _("Acknowledgement met at"),
        "Resolution due": _("Resolution due"),
        "Resolution met at": _("Resolution met at"),
        "Decision notified at": _("Decision notified at"),
        "Closed at": _("Closed at"),
        "Customer's answer": _("Customer's answer"),
        "SLA breaches": _("SLA breaches"),
        "Times re-opened": _("Times re-opened"),
        "Business seconds to acknowledgement": _("Business seconds to acknowledgement"),
        "Business seconds to decision": _("Business seconds to decision"),
        "Subject": _("Subject"),
    }
    return [str(names[label]) for _field, label in COLUMNS]


def _fields(language: str) -> list[str]:
    suffix = "en" if language == "en" else "tr"
    return [f.replace("__name_tr", f"__name_{suffix}") for f, _label in COLUMNS]


def _rows(queryset: QuerySet, language: str) -> Iterator[list[Any]]:
    labels = {name: {c.value: str(c.label) for c in choices} for name, choices in _CHOICES.items()}
    names = [f for f, _l in COLUMNS]
    for values in (
        queryset.order_by("received_at", "pk").values_list(*_fields(language)).iterator(2000)
    ):
        row = []
        for name, value in zip(names, values, strict=True):
            if name in labels and value:
                value = labels[name].get(value, value)
            if isinstance(value, datetime):
                value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
            row.append(value)
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def csv_stream(queryset: QuerySet, language: str) -> Iterator[str]:
    delimiter = ";" if language == "tr" else ","
    writer = csv.writer(_Echo(), delimiter=delimiter)
    with translation.override(language):
        yield "\ufeff" + writer.writerow(_headers())
        for row in _rows(queryset, language):
            yield writer.writerow(
                [
                    "" if v is None else v.isoformat(sep=" ") if isinstance(v, datetime) else v
                    for v in row
                ]
            )


def write_xlsx(queryset: QuerySet, out: Any, language: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    with translation.override(language):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("Complaints")[:31])
        ws.freeze_panes = "B2"
        header = []
        for title in _headers():
            cell = WriteOnlyCell(ws, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in _rows(queryset, language):
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            ws.append(cells)
        wb.save(out)


def export_response(
    *, queryset: QuerySet, fmt: str, language: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    language = language if language in ("tr", "en") else "tr"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{'sikayetler' if language == 'tr' else 'complaints'}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(queryset, language), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    spool: Any = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(queryset, spool, language)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
