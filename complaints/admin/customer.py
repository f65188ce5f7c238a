"""Customers: read and corrected by staff, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import Customer
from .privacy import CustomerPrivacyMixin


@admin.register(Customer)
class CustomerAdmin(CustomerPrivacyMixin, admin.ModelAdmin):
    list_display = ["name", "email", "phone", "language", "created_at"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["language"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
