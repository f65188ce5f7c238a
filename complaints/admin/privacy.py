"""The privacy notice's versions: a new version on each change, never an edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import PrivacyNotice
from ..privacy import privacy_notice_current, privacy_notice_publish


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at", "published_by", "public_link"]
    list_select_related = ["published_by"]
    fields = ["text_tr", "text_en"]

    @admin.display(description=_("public page"))
    def public_link(self, obj: PrivacyNotice) -> str:
        url = reverse("privacy:notice_version", args=[obj.version])
        return format_html('<a href="{}">{}</a>', url, url)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A new version starts from the text in force.
        current = privacy_notice_current()
        if current is None:
            return {}
        return {"text_tr": current.text_tr, "text_en": current.text_en}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = privacy_notice_current()
        published = privacy_notice_publish(
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
        return False  # a published version is what customers were shown

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
