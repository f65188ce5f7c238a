"""The complaint list and page. Every change goes through complaints.services: the change page
offers the transitions allowed from the current stage as forms, and nothing
here writes a field of a complaint directly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import extensions, services
from ..forms import (
    RegisterForm,
)
from ..identity import Details, complaint_lookalikes
from ..models import Category, Complaint, Stage
from ..permissions import user_can
from ..search import Found, complaint_search_found
from .changelist import ComplaintChangeList
from .customer import lookalikes_table
from .decision_calls import DecisionCallInline, DecisionCallMixin
from .filters import AssigneeFilter, QueueFilter
from .pagination import EstimatedCountPaginator
from .workbench import WorkbenchMixin


class _FetchedChoices(ModelChoiceIterator):
    """The choices from one plain SELECT. Django's iterator() is a server-side
    cursor on PostgreSQL (DECLARE, FETCH, CLOSE): three round trips for a dozen
    categories, on every view of the list (6-12 ms at 1M under load, issue 15)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class _CategoryChoiceField(forms.ModelChoiceField):
    iterator = _FetchedChoices


class ComplaintActionForm(ActionForm):
    category = _CategoryChoiceField(
        label=_("category (for “classify”)"),
        queryset=Category.objects.filter(active=True),
        required=False,
    )


@admin.register(Complaint)
class ComplaintAdmin(DecisionCallMixin, WorkbenchMixin, admin.ModelAdmin):
    # What triage looks at first comes first: the list is wider than the screen.
    list_display = [
        "tracking_number",
        "subject",
        "priority",
        "stage",
        "customer_name",
        "category",
        "assignee_name",
        "received_at",
    ]
    list_display_links = ["tracking_number", "subject"]

    list_select_related = ["customer", "category", "assignee"]
    list_filter = [
        QueueFilter,
        "stage",
        "priority",
        "kind",
        "channel",
        "category",
        ("assignee", AssigneeFilter),
    ]
    # What the box searches; complaints.search decides how (get_search_results).
    search_fields = ["tracking_number", "contact_email", "contact_phone", "subject", "description"]
    search_help_text = _(
        "A tracking number, an e-mail address, a phone number, or words of the subject, "
        "the description or the name."
    )
    date_hierarchy = "received_at"
    list_per_page = 50
    # No COUNT(*) of a million rows on each view (issue 15): see .pagination.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The counts beside each filter option (?_facets) are one COUNT per option
    # over the filtered list: at 1M complaints a single view ran for minutes.
    show_facets = admin.ShowFacets.NEVER
    actions = ["acknowledge", "assign_to_me", "classify"]
    action_form = ComplaintActionForm
    inlines = [DecisionCallInline]
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = [
        (None, {"fields": ["tracking_number", "stage", "kind", "channel", "language"]}),
        (
            _("Customer"),
            {
                "fields": [
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "customer",
                    "possibly_the_same_customer",
                    "privacy_notice",
                    "privacy_notice_given",
                    "anonymised_at",
                ]
            },
        ),
        (_("Application"), {"fields": ["subject", "description"]}),
        (
            _("Classification and follow-up"),
            {"fields": ["category", "priority", "priority_override_reason", "assignee"]},
        ),
        (
            _("Analysis, response and decision"),
            {
                "fields": [
                    "root_cause",
                    "root_cause_analysis",
                    "solution_proposal",
                    "decision",
                    "customer_answer",
                    "customer_answer_channel",
                    "customer_answer_reason",
                    "customer_answered_at",
                    "reopen_count",
                ]
            },
        ),
        (
            _("Dates and targets"),
            {
                "classes": ["collapse"],
                "fields": [
                    "received_at",
                    "acknowledged_at",
                    "classified_at",
                    "decision_notified_at",
                    "closed_at",
                    "ack_due_at",
                    "ack_at_risk_after",
                    "ack_met_at",
                    "ack_at_risk_at",
                    "ack_breached_at",
                    "resolution_started_at",
                    "resolution_due_at",
                    "resolution_at_risk_after",
                    "resolution_met_at",
                    "resolution_at_risk_at",
                    "resolution_breached_at",
                    "breach_count",
                    "ack_business_seconds",
                    "resolution_business_seconds",
                ],
            },
        ),
    ]

    def action_checkbox(self, obj: Complaint) -> SafeString:
        # Django's markup, formatted directly: it renders a CheckboxInput through
        # the form templates for each row, a sixth of a 50-row page's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Complaint | None = None) -> list[str]:
        return [
            *(f.name for f in Complaint._meta.concrete_fields if f.name not in {"id"}),
            "possibly_the_same_customer",
        ]

    @admin.display(description=_("representative"), ordering="assignee__first_name")
    def assignee_name(self, obj: Complaint) -> str:
        if obj.assignee is None:
            return "—"
        return obj.assignee.get_full_name() or obj.assignee.get_username()

    @admin.display(description=_("customer"), ordering="contact_name")
    def customer_name(self, obj: Complaint) -> str:
        # The name given with this complaint: its record may hold another one.
        return obj.contact_name

    @admin.display(description=_("possibly the same customer"))
    def possibly_the_same_customer(self, obj: Complaint) -> str:
        if obj.pk is None:
            return "—"
        return lookalikes_table(
            reference=Details.of_complaint(obj),
            reference_label=gettext("contact as given"),
            lookalikes=complaint_lookalikes(complaint=obj),
            own=obj.customer_id,
        )

    # --- What other apps add (complaints.extensions): sla's filters and due column,
    # the notices inline of notifications.

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return extensions.admin_list_display(list(super().get_list_display(request)))

    def get_sortable_by(self, request: HttpRequest) -> list[Any]:
        # Only the columns an index sorts a million rows by (issue 15): the tracking
        # number, the receipt, and other apps' columns (sla's due date sorts on
        # complaint_due_sort). Sorting by subject or name sorted the whole table (5 s).
        own = {"tracking_number", "received_at"}
        return [c for c in self.get_list_display(request) if c in own or not isinstance(c, str)]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ComplaintChangeList]:
        return ComplaintChangeList

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [*super().get_list_filter(request), *extensions.admin_list_filters()]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return [*super().get_inlines(request, obj), *extensions.admin_inlines()]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.actions is None or "_popup" in request.GET:
            return actions
        for action in extensions.admin_actions(request):
            actions[action.name] = (action.function, action.name, action.description)
        return actions

    # --- Adding: phone and in-person complaints, through the service -------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                complaint = services.complaint_register(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    format_html(
                        gettext(
                            "Recorded. Tell the customer the tracking number: <strong>{}</strong>"
                        ),
                        complaint.tracking_number,
                    ),
                )
                return HttpResponseRedirect(
                    reverse("admin:complaints_complaint_change", args=[complaint.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Register a complaint"),
            "form": form,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return render(request, "admin/complaints/complaint/register.html", context)

    # --- Search: the one rule of complaints.search, each case on an index --------

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found = complaint_search_found(queryset, search_term)
        # The changelist asks for its paginator after the search, on the same
        # request, with the queryset searched (filters are applied before the
        # search): what the search learnt of the list's length goes along.
        request.complaint_search_found = found  # type: ignore[attr-defined]
        return found.queryset, False

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> EstimatedCountPaginator:
        found: Found | None = getattr(request, "complaint_search_found", None)
        return EstimatedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, found=found
        )

    # --- Bulk actions ------------------------------------------------------------

    def _bulk(self, request: HttpRequest, queryset: QuerySet, do, done_message: str) -> None:
        done, refused = 0, []
        for complaint in queryset:
            try:
                do(complaint)
            except (services.ComplaintError, PermissionDenied) as exc:
                refused.append(f"{complaint.tracking_number}: {exc}")
            else:
                done += 1
        if done:
            messages.success(request, done_message % {"count": done})
        for line in refused:
            messages.warning(request, line)

    @admin.action(description=_("Acknowledge (customer informed)"), permissions=["acknowledge"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(
            request,
            queryset,
            lambda c: services.complaint_transition(
                complaint=c, to=Stage.ACKNOWLEDGED, actor=request.user
            ),
            gettext("Complaints acknowledged: %(count)d."),
        )

    def has_acknowledge_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, "complaints.acknowledge_complaint")

    @admin.action(description=_("Assign to me"), permissions=["assign"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(
            request,
            queryset,
            lambda c: services.complaint_assign(
                complaint=c, assignee=request.user, actor=request.user
            ),
            gettext("Complaints assigned to you: %(count)d."),
        )

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, "complaints.assign_complaint")

    @admin.action(description=_("Classify with the chosen category"), permissions=["classify"])
    def classify(self, request: HttpRequest, queryset: QuerySet) -> None:
        category_id = request.POST.get("category") or ""
        category = (
            Category.objects.filter(pk=category_id).first() if category_id.isdigit() else None
        )
        if category is None:
            messages.error(request, gettext("Choose a category first."))
            return
        self._bulk(
            request,
            queryset,
            lambda c: services.complaint_transition(
                complaint=c, to=Stage.CLASSIFIED, actor=request.user, fields={"category": category}
            ),
            gettext("Complaints classified as “%(category)s”: %%(count)d.")
            % {"category": category.name},
        )

    def has_classify_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, "complaints.classify_complaint")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # ISO 10002 wants the record kept: complaints are closed, never deleted.
        return False
