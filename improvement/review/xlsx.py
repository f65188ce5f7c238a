"""The management review pack as XLSX: one sheet per section, real numbers,
percentages as fractions formatted as percent, dates as dates (openpyxl in
write-only mode: rows are streamed to the file, not held in memory)."""

from __future__ import annotations

from datetime import date, datetime
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..models import SCORE_FIELDS
from ..selectors.survey import DIMENSIONS, SurveyResults
from .figures import Kpi, Pack, ParetoRow

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
DECIMAL = "0.0"
MEAN = "0.00"
BOLD = Font(bold=True)


def _cell(ws: WriteOnlyWorksheet, value: Any, fmt: str = "", bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, datetime):
        # Excel has no time zones: local (Istanbul) wall-clock time.
        value = timezone.localtime(value).replace(tzinfo=None)
        fmt = fmt or DATETIME
    elif isinstance(value, date):
        fmt = fmt or DATE
    cell = WriteOnlyCell(ws, value=value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD
    return cell


def _header(ws: WriteOnlyWorksheet, *titles: Any) -> None:
    ws.append([_cell(ws, str(t), bold=True) for t in titles])


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value / 100.0, 4)


def _kpi_cells(ws: WriteOnlyWorksheet, kpi: Kpi) -> list[Any]:
    if kpi.unit == "%":
        values = [_fraction(kpi.current), _fraction(kpi.previous), _fraction(kpi.change)]
        fmt, target = PERCENT, _fraction(kpi.target)
    else:
        values = [kpi.current, kpi.previous, kpi.change]
        fmt = MEAN if kpi.unit == "/5" else DECIMAL if kpi.unit == "h" else "0"
        target = kpi.target
    unit = {"%": "%", "h": _("business hours"), "/5": "1–5", "": _("count")}[kpi.unit]
    return [
        _cell(ws, str(kpi.label)),
        _cell(ws, unit),
        *(_cell(ws, v, fmt) for v in values),
        _cell(ws, target, fmt),
        _cell(ws, kpi.meets_target),
    ]


def _survey_rows(ws: WriteOnlyWorksheet, results: SurveyResults, previous: SurveyResults) -> None:
    labels = {
        "ease": _("Ease"),
        "informed": _("Kept informed"),
        "timeliness": _("Timeliness"),
        "fairness": _("Fairness"),
        "overall": _("Overall"),
    }
    _header(ws, _("Figure"), _("This period"), _("Previous period"))
    for label, now, before, fmt in (
        (_("Invited"), results.overall.invited, previous.overall.invited, "0"),
        (_("Answered"), results.overall.responded, previous.overall.responded, "0"),
        (
            _("Response rate"),
            _fraction(results.overall.response_rate),
            _fraction(previous.overall.response_rate),
            PERCENT,
        ),
        (_("Answers with a score of 1–2"), results.overall.low, previous.overall.low, "0"),
    ):
        ws.append([_cell(ws, str(label)), _cell(ws, now, fmt), _cell(ws, before, fmt)])
    for name in SCORE_FIELDS:
        ws.append(
            [
                _cell(ws, f"{labels[name]} (1–5)"),
                _cell(ws, results.overall.mean(name), MEAN),
                _cell(ws, previous.overall.mean(name), MEAN),
            ]
        )
    ws.append([])
    titles = {"channel": _("Channel"), "category": _("Category"), "priority": _("Priority")}
    _header(
        ws,
        _("Breakdown"),
        _("Value"),
        _("Invited"),
        _("Answered"),
        _("Response rate"),
        *(labels[n] for n in SCORE_FIELDS),
    )
    for dimension in DIMENSIONS:
        for tally in results.by[dimension]:
            ws.append(
                [
                    _cell(ws, str(titles[dimension])),
                    _cell(ws, tally.label),
                    _cell(ws, tally.invited, "0"),
                    _cell(ws, tally.responded, "0"),
                    _cell(ws, _fraction(tally.response_rate), PERCENT),
                    *(_cell(ws, tally.mean(n), MEAN) for n in SCORE_FIELDS),
                ]
            )


def write_xlsx(pack: Pack, out: IO[bytes] | str) -> None:
    wb = Workbook(write_only=True)

    ws = wb.create_sheet(_("Summary")[:31])
    ws.append([_cell(ws, _("Management review of the complaints-handling process"), bold=True)])
    for label, value in (
        (_("Period from"), pack.date_from),
        (_("Period to"), pack.date_to),
        (_("Previous period from"), pack.previous_from),
        (_("Previous period to"), pack.previous_to),
        (_("Generated at"), pack.generated_at),
    ):
        ws.append([_cell(ws, str(label)), _cell(ws, value)])

    ws = wb.create_sheet(_("KPIs")[:31])
    _header(
        ws,
        _("Indicator"),
        _("Unit"),
        _("This period"),
        _("Previous period"),
        pgettext("difference", "Change"),
        _("Target"),
        _("Target met"),
    )
    for kpi in pack.kpis:
        ws.append(_kpi_cells(ws, kpi))

    ws = wb.create_sheet(_("Volume")[:31])
    _header(
        ws,
        _("Breakdown"),
        _("Value"),
        _("This period"),
        _("Previous period"),
        pgettext("difference", "Change"),
    )
    for breakdown in pack.volume:
        for row in breakdown.rows:
            ws.append(
                [
                    _cell(ws, breakdown.title),
                    _cell(ws, row.label),
                    _cell(ws, row.current, "0"),
                    _cell(ws, row.previous, "0"),
                    _cell(ws, row.change, "0"),
                ]
            )

    ws = wb.create_sheet(_("Backlog")[:31])
    _header(ws, _("Age (days since receipt)"), _("End of this period"), _("End of previous period"))
    ws.append(
        [
            _cell(ws, _("All open")),
            _cell(ws, pack.backlog["current"]["open"], "0"),
            _cell(ws, pack.backlog["previous"]["open"], "0"),
        ]
    )
    for (label, now), (_label, before) in zip(
        pack.backlog["current"]["ages"], pack.backlog["previous"]["ages"], strict=True
    ):
        ws.append([_cell(ws, label), _cell(ws, now, "0"), _cell(ws, before, "0")])

    ws = wb.create_sheet(_("Root causes")[:31])
    _header(
        ws,
        _("Root cause"),
        _("This period"),
        _("Previous period"),
        _("Share"),
        _("Cumulative share"),
    )
    pareto: list[ParetoRow] = pack.pareto
    for cause in pareto:
        ws.append(
            [
                _cell(ws, cause.label),
                _cell(ws, cause.current, "0"),
                _cell(ws, cause.previous, "0"),
                _cell(ws, _fraction(cause.share), PERCENT),
                _cell(ws, _fraction(cause.cumulative), PERCENT),
            ]
        )

    ws = wb.create_sheet(_("Signals")[:31])
    _header(
        ws,
        _("Week starting"),
        _("Breakdown"),
        _("Category or root cause"),
        _("Complaints"),
        _("Mean of the previous weeks"),
        _("Control limit"),
        _("Corrective actions"),
    )
    for signal in pack.signals:
        ws.append(
            [
                _cell(ws, signal.week),
                _cell(ws, str(signal.get_dimension_display())),
                _cell(ws, str(signal.key)),
                _cell(ws, signal.count, "0"),
                _cell(ws, signal.mean, MEAN),
                _cell(ws, signal.limit, MEAN),
                _cell(ws, getattr(signal, "actions", 0), "0"),
            ]
        )
    ws.append([])
    ws.append(
        [
            _cell(ws, _("Signals in the previous period"), bold=True),
            _cell(ws, pack.signals_previous, "0"),
        ]
    )

    ws = wb.create_sheet(_("Corrective actions")[:31])
    current, previous = pack.capa["current"], pack.capa["previous"]
    _header(ws, _("Figure"), _("This period"), _("Previous period"))
    for key, label in (
        ("opened", pgettext("corrective action", "Opened")),
        ("closed", pgettext("corrective action", "Closed")),
        ("judged", _("Effectiveness checked")),
        ("effective", _("Verified effective")),
        ("not_effective", _("Not effective")),
        ("before", _("Complaints before implementation (checked actions)")),
        ("after", _("Complaints after implementation (checked actions)")),
    ):
        ws.append(
            [_cell(ws, str(label)), _cell(ws, current[key], "0"), _cell(ws, previous[key], "0")]
        )
    ws.append([])
    _header(
        ws,
        _("Reference"),
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Opened"),
        _("Due"),
        _("Implemented"),
        _("Effectiveness check"),
        _("Complaints before"),
        _("Complaints after"),
        _("Verdict"),
        _("Overdue escalated"),
    )
    for capa in pack.capa["actions"]:
        ws.append(
            [
                _cell(ws, capa.reference),
                _cell(ws, capa.title),
                _cell(ws, str(capa.get_status_display())),
                _cell(ws, capa.owner.get_full_name() or capa.owner.get_username())
                if capa.owner
                else _cell(ws, None),
                _cell(ws, capa.created_at),
                _cell(ws, capa.due_date),
                _cell(ws, capa.implemented_at),
                _cell(ws, capa.effectiveness_check_date),
                _cell(ws, capa.recurrence_before, "0"),
                _cell(ws, capa.recurrence_after, "0"),
                _cell(ws, str(capa.get_verdict_display()) if capa.verdict else None),
                _cell(ws, capa.escalated_at),
            ]
        )

    ws = wb.create_sheet(_("Survey")[:31])
    _survey_rows(ws, pack.survey, pack.survey_previous)

    wb.save(out)
