"""The editable lists: categories (PROCESS.md's criteria) and root causes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import Category, RootCause


class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name_tr", "name_en", "code", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["active"]
    search_fields = ["name_tr", "name_en", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # complaints refer to them: deactivate instead


@admin.register(Category)
class CategoryAdmin(TaxonomyAdmin):
    list_display = ["name_tr", "name_en", "code", "default_priority", "active", "position"]
    fields = [
        "code",
        "name_tr",
        "name_en",
        "default_priority",
        "description_tr",
        "description_en",
        "active",
        "position",
    ]
    list_editable = ["default_priority", "active", "position"]
    list_filter = ["default_priority", "active"]


@admin.register(RootCause)
class RootCauseAdmin(TaxonomyAdmin):
    pass
