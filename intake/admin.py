"""What arrived on the inbound channels, read-only: these rows are records, the
complaints they led to are changed in the complaints admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import InboundAttachment, InboundMessage, IntakeKey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InboundAttachmentInline(admin.TabularInline):
    model = InboundAttachment
    extra = 0
    fields = ("download", "content_type", "size")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, attachment: InboundAttachment) -> str:
        url = reverse("admin:intake_inboundattachment_download", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.filename)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "channel", "sender", "subject", "outcome", "complaint_link")
    list_filter = ("channel", "outcome", "received_at")
    search_fields = ("sender", "subject", "external_id", "complaint__tracking_number")
    date_hierarchy = "received_at"
    list_select_related = ("complaint",)
    inlines = [InboundAttachmentInline]
    fields = (
        "channel",
        "external_id",
        "sender",
        "received_at",
        "outcome",
        "complaint_link",
        "subject",
        "body",
        "reply",
        "data",
    )
    readonly_fields = fields

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "attachment/<int:pk>/",
            self.admin_site.admin_view(self.download_attachment),
            name="intake_inboundattachment_download",
        )
        return [download, *super().get_urls()]

    def download_attachment(self, request: HttpRequest, pk: int) -> FileResponse:
        """Customers' files go to staff only, and always as a download: MEDIA_ROOT
        is not served, and a file is never rendered in the browser (no HTML/SVG tricks)."""
        if not request.user.has_perm("intake.view_inboundattachment"):
            raise PermissionDenied
        attachment = get_object_or_404(InboundAttachment, pk=pk)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description=_("complaint"), ordering="complaint__tracking_number")
    def complaint_link(self, inbound: InboundMessage) -> str:
        if inbound.complaint is None:
            return "—"
        url = reverse("admin:complaints_complaint_change", args=[inbound.complaint_id])
        return format_html('<a href="{}">{}</a>', url, inbound.complaint.tracking_number)


@admin.register(IntakeKey)
class IntakeKeyAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "scope", "key", "complaint")
    list_filter = ("scope",)
    search_fields = ("key", "complaint__tracking_number")
    list_select_related = ("complaint",)
