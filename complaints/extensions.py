"""The declared extension points of the staff screens and the staff API.

Other apps add what they own to the complaint's admin list and page and to the
staff API through these functions, at start-up (their ``admin.py`` or
``AppConfig.ready``), instead of reaching into complaints' classes: the sla
app adds its filters, its due column and its API fields, the notifications
app its inline of notices, the improvement app its panel of repeats and
similar complaints, its export actions and the figures of a period that the
management review reads from every app; notifications the delivery state of
each staff message. complaints itself never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class AdminColumn:
    """A column of the complaint list: ``display`` is a callable taking the row
    (decorated with ``admin.display`` for its title and ordering), placed after
    the column named ``after`` (or at the end)."""

    display: Callable[[Any], Any]
    after: str = ""


@dataclass(frozen=True)
class ApiFilter:
    """A query parameter of the staff list: ``field`` builds its serializer
    field, ``apply(queryset, value, user)`` filters by it."""

    name: str
    field: Callable[[], Any]
    apply: Callable[[QuerySet, Any, Any], QuerySet]


@dataclass(frozen=True)
class ApiField:
    """An output field of the staff list and detail: ``field`` builds a
    read-only serializer field (``source="*"`` to compute from the complaint)."""

    name: str
    field: Callable[[], Any]


@dataclass(frozen=True)
class HeaderItem:
    """One fact in the header of the complaint's page (e.g. a due date and its
    state): ``state`` is a CSS modifier (``on_time``, ``at_risk``, ``breached``,
    ``paused``, ``met``) or empty."""

    label: Any
    value: Any
    state: str = ""


_HEADER_ITEMS: list[Callable[[Any], list[HeaderItem]]] = []


@dataclass(frozen=True)
class AdminAction:
    """A bulk action of the complaint list: ``function(modeladmin, request,
    queryset)`` offered to the users for whom ``allowed(request)`` is true."""

    name: str
    function: Callable[[Any, Any, QuerySet], Any]
    description: Any
    allowed: Callable[[Any], bool]


# A panel of the complaint's staff page: ``render(request, complaint)`` returns
# the HTML of a section (already escaped, e.g. from render_to_string) or "".
AdminPanel = Callable[[Any, Any], str]

# The figures an app computes for a period [start, end) (aware datetimes):
# ``provider(start=..., end=..., now=...)`` returns a dict of plain values.
PeriodFigures = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class MessageDetail:
    """Something another app knows about each message of a complaint (e.g. the
    delivery state of a staff reply), shown as a column of the admin's message
    table and as a field of the staff API's messages.

    ``values(messages)`` answers for a batch of one complaint's messages with
    {message id: value} (a JSON-able value; absent ids have none); ``display``
    turns a value into the admin cell (text or safe HTML); ``schema`` builds a
    serializer field that describes the value in the OpenAPI schema.
    """

    name: str
    label: Any
    values: Callable[[Sequence[Any]], Mapping[int, Any]]
    display: Callable[[Any], Any]
    schema: Callable[[], Any]


_ADMIN_FILTERS: list[Any] = []
_ADMIN_COLUMNS: list[AdminColumn] = []
_ADMIN_INLINES: list[Any] = []
_API_FILTERS: dict[str, ApiFilter] = {}
_API_FIELDS: dict[str, ApiField] = {}
_ADMIN_ACTIONS: dict[str, AdminAction] = {}
_ADMIN_PANELS: list[AdminPanel] = []
_PERIOD_FIGURES: dict[str, PeriodFigures] = {}
_MESSAGE_DETAILS: dict[str, MessageDetail] = {}


def _add_once(items: list[Any], item: Any) -> None:
    if item not in items:
        items.append(item)


def admin_list_filter_add(list_filter: Any) -> None:
    _add_once(_ADMIN_FILTERS, list_filter)


def admin_list_column_add(display: Callable[[Any], Any], *, after: str = "") -> None:
    _add_once(_ADMIN_COLUMNS, AdminColumn(display=display, after=after))


def admin_inline_add(inline: Any) -> None:
    _add_once(_ADMIN_INLINES, inline)


def admin_action_add(
    name: str,
    function: Callable[[Any, Any, QuerySet], Any],
    *,
    description: Any,
    allowed: Callable[[Any], bool],
) -> None:
    _ADMIN_ACTIONS[name] = AdminAction(
        name=name, function=function, description=description, allowed=allowed
    )


def admin_panel_add(render: AdminPanel) -> None:
    _add_once(_ADMIN_PANELS, render)


def period_figures_add(app: str, provider: PeriodFigures) -> None:
    _PERIOD_FIGURES[app] = provider


def api_list_filter_add(
    name: str, *, field: Callable[[], Any], apply: Callable[[QuerySet, Any, Any], QuerySet]
) -> None:
    _API_FILTERS[name] = ApiFilter(name=name, field=field, apply=apply)


def api_field_add(name: str, *, field: Callable[[], Any]) -> None:
    _API_FIELDS[name] = ApiField(name=name, field=field)


def admin_header_items_add(provider: Callable[[Any], list[HeaderItem]]) -> None:
    """``provider(complaint)`` returns the HeaderItems it adds to the page's header."""
    _add_once(_HEADER_ITEMS, provider)


def admin_header_items(complaint: Any) -> list[HeaderItem]:
    return [item for provider in _HEADER_ITEMS for item in provider(complaint)]


def admin_list_filters() -> tuple[Any, ...]:
    return tuple(_ADMIN_FILTERS)


def admin_list_display(base: list[Any]) -> list[Any]:
    columns = list(base)
    for column in _ADMIN_COLUMNS:
        position = columns.index(column.after) + 1 if column.after in columns else len(columns)
        columns.insert(position, column.display)
    return columns


def admin_inlines() -> tuple[Any, ...]:
    return tuple(_ADMIN_INLINES)


def api_list_filters() -> tuple[ApiFilter, ...]:
    return tuple(_API_FILTERS.values())


def api_fields() -> tuple[ApiField, ...]:
    return tuple(_API_FIELDS.values())


def admin_actions(request: Any) -> tuple[AdminAction, ...]:
    return tuple(action for action in _ADMIN_ACTIONS.values() if action.allowed(request))


def admin_panels(request: Any, complaint: Any) -> list[str]:
    return [html for html in (render(request, complaint) for render in _ADMIN_PANELS) if html]


def period_figures(*, start: Any, end: Any, now: Any) -> dict[str, dict[str, Any]]:
    """Every app's figures for the period, keyed by app: ``{"sla": {...}}``."""
    return {
        app: provider(start=start, end=end, now=now) for app, provider in _PERIOD_FIGURES.items()
    }


def message_detail_add(
    name: str,
    *,
    label: Any,
    values: Callable[[Sequence[Any]], Mapping[int, Any]],
    display: Callable[[Any], Any],
    schema: Callable[[], Any],
) -> None:
    _MESSAGE_DETAILS[name] = MessageDetail(
        name=name, label=label, values=values, display=display, schema=schema
    )


def message_details() -> tuple[MessageDetail, ...]:
    return tuple(_MESSAGE_DETAILS.values())


def message_details_for(messages: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """{message id: {detail name: value or None}} for a batch of messages."""
    found: dict[int, dict[str, Any]] = {m.pk: {} for m in messages}
    for detail in _MESSAGE_DETAILS.values():
        values = detail.values(messages) if messages else {}
        for pk in found:
            found[pk][detail.name] = values.get(pk)
    return found
