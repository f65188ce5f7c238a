"""Staff triage. Every change goes through complaints.services: the change page
offers the transitions allowed from the current stage as forms, and nothing
here writes a field of a complaint directly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .contacts import normalize_phone
from .forms import (
    AssignForm,
    MessageForm,
    RecategorizeForm,
    RegisterForm,
    ReprioritizeForm,
    transition_form_class,
)
from .history import action_label
from .models import (
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    Customer,
    Priority,
    RootCause,
    Stage,
)
from .workflow import OPEN_STAGES, transition_by_name, transitions_from


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("ack", _("Acknowledgement overdue")),
            ("resolution", _("Resolution overdue")),
            ("any", _("Any target overdue")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        ack = Q(ack_met_at__isnull=True, ack_due_at__lt=now)
        resolution = Q(resolution_met_at__isnull=True, resolution_due_at__lt=now)
        condition = {"ack": ack, "resolution": resolution, "any": ack | resolution}.get(
            self.value() or ""
        )
        if condition is None:
            return queryset
        return queryset.filter(condition, stage__in=OPEN_STAGES)


class SlaFilter(admin.SimpleListFilter):
    """The SLA states the sweep works from, as plain conditions on the stored
    deadlines and markers (complaints does not import the sla app)."""

    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("at_risk", _("At risk")),
            ("breached", _("Breached (open)")),
            ("breach_recorded", _("A breach was recorded")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        value = self.value()
        if value == "at_risk":
            return queryset.filter(
                Q(ack_met_at=None, ack_at_risk_after__lte=now, ack_due_at__gt=now)
                | Q(
                    resolution_met_at=None,
                    resolution_at_risk_after__lte=now,
                    resolution_due_at__gt=now,
                ),
                stage__in=OPEN_STAGES,
            )
        if value == "breached":
            return queryset.filter(
                Q(ack_met_at=None, ack_due_at__lt=now)
                | Q(resolution_met_at=None, resolution_due_at__lt=now),
                stage__in=OPEN_STAGES,
            )
        if value == "breach_recorded":
            return queryset.filter(breach_count__gt=0)
        return queryset


class ComplaintActionForm(ActionForm):
    category = forms.ModelChoiceField(
        label=_("category (for “classify”)"),
        queryset=Category.objects.filter(active=True),
        required=False,
    )


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    # What triage looks at first comes first: the list is wider than the screen.
    list_display = [
        "tracking_number",
        "subject",
        "due",
        "priority",
        "stage",
        "customer_name",
        "kind",
        "channel",
        "category",
        "assignee",
        "received_at",
    ]
    list_display_links = ["tracking_number", "subject"]
    list_select_related = ["customer", "category", "assignee"]
    list_filter = [
        "stage",
        "priority",
        "kind",
        "channel",
        "category",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
        SlaFilter,
    ]
    search_fields = [
        "=tracking_number",
        "subject",
        "customer__name",
        "customer__email",
        "customer__phone",
        "contact_email",
        "contact_phone",
    ]
    date_hierarchy = "received_at"
    list_per_page = 50
    show_full_result_count = False
    actions = ["acknowledge", "assign_to_me", "classify"]
    action_form = ComplaintActionForm
    change_form_template = "admin/complaints/complaint/change_form.html"
    fieldsets = [
        (None, {"fields": ["tracking_number", "stage", "kind", "channel", "language"]}),
        (
            _("Customer"),
            {"fields": ["customer", "contact_email", "contact_phone"]},
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
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Complaint | None = None) -> list[str]:
        return [f.name for f in Complaint._meta.concrete_fields if f.name not in {"id"}]

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_name(self, obj: Complaint) -> str:
        return obj.customer.name

    @admin.display(description=_("due"), ordering="resolution_due_at")
    def due(self, obj: Complaint) -> str:
        # The next target still to meet: the acknowledgement, then the resolution.
        due_at: datetime | None
        if obj.ack_met_at is None and obj.ack_due_at is not None:
            due_at = obj.ack_due_at
        elif obj.resolution_met_at is None:
            due_at = obj.resolution_due_at
        else:
            due_at = None
        if due_at is None:
            return "—"
        text = date_format(timezone.localtime(due_at), "SHORT_DATETIME_FORMAT")
        if obj.is_open and due_at < timezone.now():
            return format_html('<strong style="color:#b00020">{}</strong>', text)
        return text

    # --- Adding: phone and in-person complaints, through the service -------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                complaint = services.complaint_submit(actor=request.user, **form.cleaned_data)
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

    # --- The change page: transitions, assignment, messages, history ------------

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                wrap(self.transition_view),
                name="complaints_complaint_transition",
            ),
            path("<int:pk>/assign/", wrap(self.assign_view), name="complaints_complaint_assign"),
            path(
                "<int:pk>/recategorize/",
                wrap(self.recategorize_view),
                name="complaints_complaint_recategorize",
            ),
            path(
                "<int:pk>/reprioritize/",
                wrap(self.reprioritize_view),
                name="complaints_complaint_reprioritize",
            ),
            path("<int:pk>/message/", wrap(self.message_view), name="complaints_complaint_message"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        complaint = self.get_object(request, object_id)
        extra: dict[str, Any] = dict(extra_context or {})
        if complaint is not None:
            extra.update(self._workbench_context(request, complaint))
        extra.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
        )
        return super().change_view(request, object_id, form_url, extra)

    def _workbench_context(self, request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
        user = request.user
        transitions = [
            {"transition": t, "form": transition_form_class(t)(prefix=t.name, transition=t)}
            for t in transitions_from(complaint.kind, complaint.stage)
            if user.has_perm(t.permission)
        ]
        return {
            "complaint": complaint,
            "transitions": transitions,
            "assign_form": AssignForm(initial={"assignee": complaint.assignee_id})
            if complaint.is_open and user.has_perm("complaints.assign_complaint")
            else None,
            "reprioritize_form": ReprioritizeForm(initial={"priority": complaint.priority})
            if complaint.is_open
            and complaint.priority
            and user.has_perm("complaints.reprioritize_complaint")
            else None,
            "recategorize_form": RecategorizeForm(initial={"category": complaint.category_id})
            if complaint.is_open
            and complaint.priority
            and user.has_perm("complaints.classify_complaint")
            else None,
            "message_form": MessageForm()
            if user.has_perm("complaints.add_complaintmessage")
            else None,
            "events": complaint.events.select_related("actor").order_by("created_at", "id"),
            "complaint_messages": complaint.messages.select_related("author").order_by(
                "created_at", "id"
            ),
        }

    def _get_for_action(self, request: HttpRequest, pk: int) -> Complaint:
        complaint = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, complaint):
            raise PermissionDenied
        return complaint

    def _back(self, complaint: Complaint) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:complaints_complaint_change", args=[complaint.pk])
        )

    def transition_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        complaint = self._get_for_action(request, pk)
        transition = transition_by_name(complaint.kind, complaint.stage, name)
        if transition is None:
            messages.error(
                request,
                gettext("This step is not possible from the stage “%(stage)s”.")
                % {"stage": Stage(complaint.stage).label},
            )
            return self._back(complaint)
        if not request.user.has_perm(transition.permission):
            raise PermissionDenied
        form = transition_form_class(transition)(
            request.POST if request.method == "POST" else None,
            prefix=transition.name,
            transition=transition,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.complaint_transition(
                    complaint=complaint,
                    to=transition.target,
                    actor=request.user,
                    note=form.cleaned_data.get("note", ""),
                    fields=form.transition_fields(),
                )
            except services.GuardFailed as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except services.TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                return self._back(complaint)
            else:
                messages.success(
                    request,
                    gettext("Done: %(step)s. The complaint is now “%(stage)s”.")
                    % {"step": transition.label, "stage": transition.target.label},
                )
                return self._back(complaint)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{complaint.tracking_number}: {transition.label}",
            "complaint": complaint,
            "transition": transition,
            "form": form,
            "has_view_permission": True,
        }
        return render(request, "admin/complaints/complaint/transition.html", context)

    def assign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            AssignForm,
            lambda c, d: services.complaint_assign(
                complaint=c, assignee=d["assignee"], actor=request.user
            ),
            lambda c, d: (
                gettext("Assigned to %(assignee)s.")
                % {"assignee": d["assignee"].get_full_name() or d["assignee"].get_username()}
            ),
        )

    def reprioritize_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            ReprioritizeForm,
            lambda c, d: services.complaint_reprioritize(
                complaint=c, priority=d["priority"], reason=d["reason"], actor=request.user
            ),
            lambda c, d: (
                gettext("Priority changed to “%(priority)s”; the resolution due date follows it.")
                % {"priority": Priority(d["priority"]).label}
            ),
        )

    def recategorize_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            RecategorizeForm,
            lambda c, d: services.complaint_recategorize(
                complaint=c, category=d["category"], reason=d["reason"], actor=request.user
            ),
            lambda c, d: (
                gettext("Category changed to “%(category)s”.") % {"category": d["category"].name}
            ),
        )

    def message_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            MessageForm,
            lambda c, d: services.complaint_message_add(
                complaint=c,
                body=d["body"],
                internal=d["internal"],
                author_kind=ComplaintMessage.Author.STAFF,
                channel=c.channel,
                actor=request.user,
            ),
            lambda c, d: (
                gettext("Internal note saved: the customer does not see it.")
                if d["internal"]
                else gettext("Message sent to the customer.")
            ),
        )

    def _simple_post(self, request, pk, form_class, action, success) -> HttpResponse:
        # ``success(complaint, cleaned_data)``: the message says what was done.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self._get_for_action(request, pk)
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(" ".join(e) for e in form.errors.values()))
            return self._back(complaint)
        try:
            action(complaint, form.cleaned_data)
        except services.ComplaintError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success(complaint, form.cleaned_data))
        return self._back(complaint)

    # --- Search: a phone number typed the national way still matches --------------

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term) if search_term else ""
        except ValidationError:
            phone = ""
        if phone:
            results |= queryset.filter(Q(customer__phone=phone) | Q(contact_phone=phone))
        return results, may_have_duplicates

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
        return request.user.has_perm("complaints.acknowledge_complaint")

    @admin.action(description=_("Assign to me"), permissions=["assign"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        def assign(complaint: Complaint) -> None:
            # A classified complaint handed to someone starts its follow-up (stage 4).
            if complaint.stage == Stage.CLASSIFIED:
                services.complaint_transition(
                    complaint=complaint,
                    to=Stage.TRACKING,
                    actor=request.user,
                    fields={"assignee": request.user},
                )
            else:
                services.complaint_assign(
                    complaint=complaint, assignee=request.user, actor=request.user
                )

        self._bulk(request, queryset, assign, gettext("Complaints assigned to you: %(count)d."))

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("complaints.assign_complaint")

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
        return request.user.has_perm("complaints.classify_complaint")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # ISO 10002 wants the record kept: complaints are closed, never deleted.
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "language", "created_at"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["language"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
    list_editable = ["default_priority", "active", "position"]
    list_filter = ["default_priority", "active"]


@admin.register(RootCause)
class RootCauseAdmin(TaxonomyAdmin):
    pass


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded so far, by their readable names."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = ComplaintEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(admin.ModelAdmin):
    """The audit log, read-only."""

    list_display = ["created_at", "complaint", "action_name", "from_stage", "to_stage", "actor"]
    list_select_related = ["complaint", "actor"]
    list_filter = [ActionFilter, "to_stage"]
    search_fields = ["=complaint__tracking_number", "action"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj: ComplaintEvent) -> str:
        return format_html('<span title="{}">{}</span>', obj.action, obj.action_label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


__all__ = ["ComplaintAdmin", "Priority"]
