"""Charts drawn on the server as inline SVG: no JavaScript, no image files,
the same markup in the staff page and in the PDF (WeasyPrint draws SVG).

Each chart is an ``<svg role="img">`` with a <title> and a <desc> that says
in words what it shows; the numbers are also in a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#e3e6ee"
BAR = "#0b5fff"
BAR_PREVIOUS = "#a9c1f5"
ALERT = "#b00020"
LIMIT = "#b00020"
MEAN = "#5b6475"


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 (every text in it goes through escape())
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def _nice_max(value: float, ticks: int = 4) -> float:
    """The top of an axis with ``ticks`` equal steps of 1, 2, 2.5 or 5 × 10^k."""
    if value <= 0:
        return float(ticks)
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            step = factor * magnitude
            break
    return max(float(step * ticks), float(ticks))


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def c_chart(
    *,
    weeks: Sequence[date],
    counts: Sequence[int],
    limits: Sequence[float | None],
    means: Sequence[float | None],
    title: str,
    labels: dict[str, str],
    width: int = 560,
    height: int = 200,
    min_count: int = 0,
) -> SafeString:
    """Weekly counts as a line, the mean and the c-chart limit as steps, the
    weeks above the limit as red dots. ``labels``: count, mean, limit, above."""
    left, right, top, bottom = 36, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(counts)
    highest = max([*counts, *(v for v in limits if v is not None), 1])
    y_max = _nice_max(float(highest), 4)

    def x(i: float) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / y_max)

    body: list[str] = []
    for k in range(5):
        value = y_max * k / 4
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{_fmt(value)}</text>'
        )
    for series, colour, dash in ((limits, LIMIT, "5 3"), (means, MEAN, "2 3")):
        steps = []
        for i, level in enumerate(series):
            if level is None:
                continue
            x0, x1 = left + plot_w * i / n, left + plot_w * (i + 1) / n
            steps.append(f"M{x0:.1f},{y(level):.1f}H{x1:.1f}")
        if steps:
            body.append(
                f'<path d="{"".join(steps)}" fill="none" stroke="{colour}" '
                f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
            )
    if n:
        points = " ".join(f"{x(i):.1f},{y(c):.1f}" for i, c in enumerate(counts))
        body.append(f'<polyline points="{points}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    above = []
    for i, count in enumerate(counts):
        limit = limits[i] if i < len(limits) else None
        is_above = limit is not None and count > limit and count >= min_count
        colour = ALERT if is_above else BAR
        radius = 4.5 if is_above else 3
        body.append(
            f'<circle cx="{x(i):.1f}" cy="{y(count):.1f}" r="{radius}" fill="{colour}">'
            f"<title>{escape(date_format(weeks[i], 'SHORT_DATE_FORMAT'))}: {count}</title></circle>"
        )
        if is_above:
            above.append(date_format(weeks[i], "SHORT_DATE_FORMAT"))
    step = max(1, n // 6)
    for i in range(0, n, step):
        body.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(date_format(weeks[i], "j M"))}</text>'
        )
    legend_y = height - 6
    items = []
    x0 = float(left)
    for key, marker in (
        ("count", f'<circle cx="{{x}}" cy="{legend_y - 4}" r="3" fill="{BAR}"/>'),
        (
            "mean",
            f'<line x1="{{x}}" x2="{{x2}}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{MEAN}" stroke-dasharray="2 3" stroke-width="1.5"/>',
        ),
        (
            "limit",
            f'<line x1="{{x}}" x2="{{x2}}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{LIMIT}" stroke-dasharray="5 3" stroke-width="1.5"/>',
        ),
    ):
        text = labels.get(key, "")
        items.append(marker.format(x=f"{x0 + 4:.0f}", x2=f"{x0 + 18:.0f}"))
        items.append(f'<text x="{x0 + 22:.0f}" y="{legend_y}">{escape(text)}</text>')
        # about 6.3 px per character at 11 px: the next item starts after this one
        x0 += 22 + 6.3 * len(text) + 14
    body.append(f'<g fill="{INK}">{"".join(items)}</g>')
    desc = f"{labels.get('above', '')}: {', '.join(above) or '–'}"
    return _svg(width, height, title, desc, body)


def bars(
    *,
    items: Sequence[tuple[str, float, float | None]],
    title: str,
    labels: dict[str, str],
    width: int = 560,
    cumulative: bool = False,
) -> SafeString:
    """Horizontal bars, one per item ``(label, value, previous)``: this period
    in blue, the previous one (when given) as a thinner pale bar beneath. With
    ``cumulative``, the running share is written at the end (a Pareto)."""
    row, label_w, value_w = 22, 190, 90
    height = 16 + row * len(items) + 18
    plot_w = width - label_w - value_w
    highest = max([1.0, *(v for _l, v, _p in items), *(p or 0 for _l, _v, p in items)])
    total = sum(v for _l, v, _p in items) or 1.0
    body: list[str] = []
    running = 0.0
    for i, (label, value, previous) in enumerate(items):
        y0 = 8 + i * row
        short = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y0 + 12}" text-anchor="end" fill="{INK}">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        body.append(
            f'<rect x="{label_w}" y="{y0 + 2}" width="{plot_w * value / highest:.1f}" '
            f'height="11" fill="{BAR}"/>'
        )
        if previous is not None:
            body.append(
                f'<rect x="{label_w}" y="{y0 + 14}" width="{plot_w * previous / highest:.1f}" '
                f'height="4" fill="{BAR_PREVIOUS}"/>'
            )
        running += value
        note = _fmt(value)
        if cumulative:
            note += f"  ({100 * running / total:.0f}%)"
        elif previous is not None:
            note += f"  / {_fmt(previous)}"
        body.append(
            f'<text x="{label_w + plot_w * value / highest + 4:.1f}" y="{y0 + 12}" '
            f'fill="{INK}">{escape(note)}</text>'
        )
    legend_y = height - 4
    legend = f'<rect x="{label_w}" y="{legend_y - 9}" width="10" height="8" fill="{BAR}"/>'
    current = escape(labels.get("current", ""))
    legend += f'<text x="{label_w + 14}" y="{legend_y}" fill="{MUTED}">{current}</text>'
    if any(p is not None for _l, _v, p in items):
        legend += (
            f'<rect x="{label_w + 160}" y="{legend_y - 7}" width="10" height="4" '
            f'fill="{BAR_PREVIOUS}"/><text x="{label_w + 174}" y="{legend_y}" '
            f'fill="{MUTED}">{escape(labels.get("previous", ""))}</text>'
        )
    body.append(legend)
    desc = "; ".join(f"{label}: {_fmt(value)}" for label, value, _p in items)
    return _svg(width, height, title, desc, body)
