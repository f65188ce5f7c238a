"""The management review pack as a file: PDF (WeasyPrint from the HTML
template, charts drawn here as SVG) or XLSX, in Turkish or English."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .. import charts, conf
from ..selectors.recurrence import signal_charts
from .figures import Pack, review_pack
from .xlsx import write_xlsx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _chart_labels() -> dict[str, str]:
    return {
        "current": _("this period"),
        "previous": _("previous period"),
        "count": _("complaints per week"),
        "mean": _("mean of 12 weeks"),
        "limit": _("control limit"),
        "above": _("weeks above the limit"),
    }


def pack_html(pack: Pack) -> str:
    labels = _chart_labels()
    volume_charts = {
        b.key: charts.bars(
            items=[(r.label, r.current, r.previous) for r in b.rows],
            title=b.title,
            labels=labels,
        )
        for b in pack.volume
    }
    pareto_chart = charts.bars(
        items=[(r.label, r.current, None) for r in pack.pareto if r.current][:12],
        title=_("Root causes"),
        labels=labels,
        cumulative=True,
    )
    questions = {
        "ease": _("Ease"),
        "informed": _("Kept informed"),
        "timeliness": _("Timeliness"),
        "fairness": _("Fairness"),
        "overall": _("Overall"),
    }
    survey_chart = charts.bars(
        items=[
            (
                str(label),
                pack.survey.overall.mean(name) or 0.0,
                pack.survey_previous.overall.mean(name),
            )
            for name, label in questions.items()
        ],
        title=_("Mean score per question (1–5)"),
        labels=labels,
    )
    shown = pack.signals[:6]
    series = signal_charts(shown)
    signal_rows = []
    for signal in pack.signals:
        points = series.get(signal.pk)
        chart = None
        if points:
            chart = charts.c_chart(
                weeks=[p.week for p in points],
                counts=[p.count for p in points],
                limits=[p.limit for p in points],
                means=[p.mean for p in points],
                title=f"{signal.get_dimension_display()}: {signal.key}",
                labels=labels,
                width=520,
                height=170,
                min_count=conf.signal_min_count(),
            )
        signal_rows.append({"signal": signal, "chart": chart})
    return render_to_string(
        "improvement/review/pack.html",
        {
            "pack": pack,
            "volume_charts": volume_charts,
            "pareto_chart": pareto_chart,
            "survey_chart": survey_chart,
            "questions": questions,
            "signal_rows": signal_rows,
        },
    )


def write_pdf(pack: Pack, out: IO[bytes] | str) -> None:
    from weasyprint import HTML

    HTML(string=pack_html(pack)).write_pdf(out)


def review_write(
    *, date_from: date, date_to: date, fmt: str, out: IO[bytes] | str, language: str = "tr"
) -> Pack:
    """Compute the pack and write it to ``out`` (a path or a binary file)."""
    with translation.override(language if language in ("tr", "en") else "tr"):
        pack = review_pack(date_from=date_from, date_to=date_to)
        if fmt == "pdf":
            write_pdf(pack, out)
        elif fmt == "xlsx":
            write_xlsx(pack, out)
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return pack


def filename(*, date_from: date, date_to: date, fmt: str, language: str) -> str:
    stem = "yonetim-gozden-gecirme" if language == "tr" else "management-review"
    return f"{stem}-{date_from.isoformat()}-{date_to.isoformat()}.{fmt}"


def review_response(
    *, date_from: date, date_to: date, fmt: str, language: str
) -> HttpResponse | FileResponse:
    """The pack as a download. Written to a temporary file first (XLSX in
    write-only mode streams to it), then sent from there."""
    spool: Any = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    review_write(date_from=date_from, date_to=date_to, fmt=fmt, out=spool, language=language)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=filename(date_from=date_from, date_to=date_to, fmt=fmt, language=language),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Cache-Control"] = "private, no-store"
    return response


def review_bytes(*, date_from: date, date_to: date, fmt: str, language: str = "tr") -> bytes:
    buffer = io.BytesIO()
    review_write(date_from=date_from, date_to=date_to, fmt=fmt, out=buffer, language=language)
    return buffer.getvalue()


def review_to_path(
    *, date_from: date, date_to: date, fmt: str, path: Path, language: str = "tr"
) -> Pack:
    with path.open("wb") as handle:
        return review_write(
            date_from=date_from, date_to=date_to, fmt=fmt, out=handle, language=language
        )
