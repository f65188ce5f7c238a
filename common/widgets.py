"""Form widgets written in Python: the same HTML as Django's widget templates.

Django renders a select through three templates per option
(``select_option.html`` and its ``attrs.html``, included once per option): the
SLA dashboard's filter form took 62 template renders and about 4 ms a request
(docs/performance.md, "dash3"). These widgets take the context Django builds
(``get_context``: the same options, selection and attributes) and write what
those templates write, whitespace included; tests/common/test_widgets.py holds
them to Django's output byte for byte.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["DateInput", "Select"]


def _text(value: Any) -> str:
    # ``{{ value|stringformat:'s' }}`` and ``{{ value }}`` of a string:
    # escaped unless already safe.
    return str(conditional_escape(str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        # django/forms/widgets/select.html and select_option.html; the
        # renderer strips the whitespace around the whole.
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts).strip())  # noqa: S308 - every value escaped above


class DateInput(forms.DateInput):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        # django/forms/widgets/input.html (``!= None``, as the template compares).
        shown = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
        html = (
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )
        return mark_safe(html)  # noqa: S308 - every value escaped above
