"""Personal data in the admin: the privacy notice's versions (a new version on
each change, never an edit) and the data-subject requests on a customer's page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, ComplaintRead, Customer, PrivacyNotice
from ..permissions import user_can
from ..privacy import privacy_notice_current, privacy_notice_publish
from ..privacy_audit import customer_change_record
from ..privacy_export import FORMATS, customer_export, export_json, export_pdf
from ..retention import complaints_open_of, customer_anonymise
from ..services.errors import GuardFailed
from .versioned import VersionedTextAdmin


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(VersionedTextAdmin):
    public_url_name = "privacy:notice_version"
    current = staticmethod(privacy_notice_current)
    publish = staticmethod(privacy_notice_publish)


# --- Data-subject requests on the customer's page (KVKK article 11) -----------------


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The request and how it reached us (e.g. its reference number). "
            "Do not write the customer's details here."
        ),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)


if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class CustomerPrivacyMixin(_ModelAdmin):
    """Mixed into CustomerAdmin: export everything held (JSON, PDF) and anonymise
    now, each behind its permission; edits of a customer are recorded in the
    history of their complaints."""

    change_form_template = "admin/complaints/customer/change_form.html"

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/data-subject/export.<str:fmt>",
                wrap(self.export_view),
                name="complaints_customer_export",
            ),
            path(
                "<int:pk>/data-subject/anonymise/",
                wrap(self.anonymise_view),
                name="complaints_customer_anonymise",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        extra.update(
            can_export_customer=user_can(request.user, "complaints.export_customer"),
            can_anonymise_customer=user_can(request.user, "complaints.anonymise_customer"),
        )
        return super().change_view(request, object_id, form_url, extra)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            # In the admin's transaction: the edit and its history row, or neither.
            customer_change_record(customer=obj, fields=form.changed_data, actor=request.user)

    def _customer(self, request: HttpRequest, pk: int) -> Customer:
        customer = get_object_or_404(Customer, pk=pk)
        if not self.has_view_permission(request, customer):
            raise PermissionDenied
        return customer

    def export_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        # POST: an export is recorded in the history, and links get prefetched.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if fmt not in FORMATS:
            raise Http404
        customer = self._customer(request, pk)
        export = customer_export(customer=customer, actor=request.user, fmt=fmt)
        stamp = timezone.localdate().isoformat()
        if fmt == "pdf":
            body = export_pdf(export, language=customer.language)
            response = HttpResponse(body, content_type="application/pdf")
        else:
            response = HttpResponse(export_json(export), content_type="application/json")
        filename = f"kvkk-customer-{customer.pk}-{stamp}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

    def anonymise_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not user_can(request.user, "complaints.anonymise_customer"):
            raise PermissionDenied
        customer = self._customer(request, pk)
        form = AnonymiseForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                count = customer_anonymise(
                    customer=customer, reason=form.cleaned_data["reason"], actor=request.user
                )
            except GuardFailed as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    gettext("Anonymised: the customer and %(count)d complaints.")
                    % {"count": count},
                )
                return HttpResponseRedirect(
                    reverse("admin:complaints_customer_change", args=[customer.pk])
                )
        complaints = Complaint.objects.filter(customer=customer).order_by("received_at")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Anonymise this customer now"),
            "customer": customer,
            "form": form,
            "complaints": complaints,
            "open_complaints": complaints_open_of(customer),
            "has_view_permission": True,
        }
        return render(request, "admin/complaints/customer/anonymise.html", context)


# --- Who looked: for superusers only, read-only -------------------------------------


@admin.register(ComplaintRead)
class ComplaintReadAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "complaint_link", "via"]
    list_select_related = ["user", "complaint"]
    list_filter = ["via"]
    search_fields = ["=complaint__tracking_number", "user__username"]
    date_hierarchy = "at"
    show_full_result_count = False

    @admin.display(description=_("complaint"), ordering="complaint__tracking_number")
    def complaint_link(self, obj: ComplaintRead) -> str:
        url = reverse("admin:complaints_complaint_change", args=[obj.complaint_id])
        return format_html('<a href="{}">{}</a>', url, obj.complaint.tracking_number)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the retention sweep deletes them when their period ends
