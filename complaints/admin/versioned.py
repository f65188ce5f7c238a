"""The admin of a versioned text (the privacy notice, where else the customer
can go): "add" publishes a new version starting from the text in force, and a
published version is read-only, never edited or deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models.versioned import VersionedText


class VersionedTextAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at", "published_by", "public_link"]
    list_select_related = ["published_by"]
    fields = ["text_tr", "text_en"]

    # Set by each subclass: the public page of one version (a URL name taking
    # the version), the version in force, and the service that publishes.
    public_url_name = ""
    current: Callable[[], VersionedText | None]
    publish: Callable[..., VersionedText]

    @admin.display(description=_("public page"))
    def public_link(self, obj: VersionedText) -> str:
        url = reverse(self.public_url_name, args=[obj.version])
        return format_html('<a href="{}">{}</a>', url, url)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A new version starts from the text in force.
        current = type(self).current()
        if current is None:
            return {}
        return {"text_tr": current.text_tr, "text_en": current.text_en}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(self).current()
        published = type(self).publish(
            text_tr=form.cleaned_data["text_tr"],
            text_en=form.cleaned_data["text_en"],
            actor=request.user,
        )
        if before is not None and published.pk == before.pk:
            messages.info(request, gettext("The text is unchanged: no new version."))
        # The admin goes on with ``obj`` (history log, redirect): make it the version saved.
        obj.__dict__.update({k: v for k, v in published.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published version is what customers were given

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
