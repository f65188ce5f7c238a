"""Where else the customer can go: staff publish a new version of the text
(Turkish and English); published versions stay as they were sent."""

from __future__ import annotations

from django.contrib import admin

from ..models import RecourseText
from ..recourse import recourse_text_current, recourse_text_publish
from .versioned import VersionedTextAdmin


@admin.register(RecourseText)
class RecourseTextAdmin(VersionedTextAdmin):
    public_url_name = "recourse:text_version"
    current = staticmethod(recourse_text_current)
    publish = staticmethod(recourse_text_publish)
