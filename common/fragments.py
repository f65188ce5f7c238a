"""``{% fragment "name" value ... %}…{% endfragment %}``: a piece of a page
rendered once per process, language and values, then reused as it is.

For what is the same for every visitor in a language: the header, the
language menu and the footer of every public page, the unbound web form
(issue 15: rendering them took most of the CPU of the public pages). What
differs between requests (the CSRF token, the page's own address, a
submission id) stays outside. The values after the name are part of the key:
only values with few possible values (a namespace, a notice version), never
anything a client sends.

Kept in the process (no cache round trip); emptied when a setting changes
(tests), and not used while ``DEBUG`` is on, so that edited templates show at
once in development.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.test.signals import setting_changed
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# A bound, in case a page varies a fragment on more values than it should.
_MAX_ENTRIES = 1000
_RENDERED: dict[tuple[Any, ...], SafeString] = {}


def fragments_forget(**kwargs: Any) -> None:
    _RENDERED.clear()


setting_changed.connect(fragments_forget, dispatch_uid="common.fragments")


class FragmentNode(template.Node):
    # Not searched for blocks ({% extends %} walks the parent's whole tree on
    # every render): a fragment holds none.
    child_nodelists = ()

    def __init__(
        self, name: str, vary: list[template.base.FilterExpression], nodelist: template.NodeList
    ) -> None:
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        key = (
            self.name,
            get_language(),
            context.autoescape,
            *(value.resolve(context) for value in self.vary),
        )
        found = _RENDERED.get(key)
        if found is None:
            if len(_RENDERED) >= _MAX_ENTRIES:
                _RENDERED.clear()
            found = _RENDERED[key] = self.nodelist.render(context)
        return found


@register.tag("fragment")
def do_fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name, then values")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], nodelist)
