"""The corrective-action register in the admin. The form edits the action's
description and links; its status changes only through the steps offered on
the page (improvement.services.capa.capa_transition), each a form with only
its fields. Every save is recorded in the action's history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.permissions import user_can
from complaints.services import TransitionNotAllowed

from .capa_workflow import VERDICT_STATUSES, capa_transition_by_name, capa_transitions_from
from .forms import CapaTransitionForm
from .models import CapaEvent, CorrectiveAction, RecurrenceSignal
from .services.capa import CapaGuardFailed, capa_prefill_from_signal, capa_saved, capa_transition


class CapaEventInline(admin.TabularInline):
    model = CapaEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action_name", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = _("History")

    @admin.display(description=_("action"))
    def action_name(self, obj: CapaEvent) -> str:
        return format_html('<span title="{}">{}</span>', obj.action, obj.action_label)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(admin.ModelAdmin):
    list_display = [
        "reference_link",
        "title",
        "status",
        "owner",
        "due_date",
        "overdue",
        "effectiveness_check_date",
        "recurrence",
    ]
    list_display_links = None
    list_filter = ["status", ("owner", admin.RelatedOnlyFieldListFilter), "signal"]
    list_select_related = ["owner"]
    search_fields = ["title", "problem_statement", "action_taken"]
    filter_horizontal = ["categories", "root_causes"]
    raw_id_fields = ["complaints", "signal"]
    inlines = [CapaEventInline]
    change_form_template = "admin/improvement/correctiveaction/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "problem_statement", "owner", "due_date", "signal"]}),
        (_("What it is about"), {"fields": ["categories", "root_causes", "complaints"]}),
        (
            _("Implementation and effectiveness"),
            {
                "fields": [
                    "status",
                    "action_taken",
                    "implemented_at",
                    "effectiveness_check_date",
                    "recurrence_before",
                    "recurrence_after",
                    "measurement_period_days",
                    "measured_at",
                    "verdict",
                    "verdict_note",
                ]
            },
        ),
        (_("Record"), {"fields": ["escalated_at", "closed_at", "created_by", "created_at"]}),
    ]
    # Set by the steps, never by the form.
    readonly_fields = [
        "status",
        "action_taken",
        "implemented_at",
        "effectiveness_check_date",
        "recurrence_before",
        "recurrence_after",
        "measurement_period_days",
        "measured_at",
        "verdict",
        "verdict_note",
        "escalated_at",
        "closed_at",
        "created_by",
        "created_at",
    ]

    @admin.display(description=_("reference"), ordering="pk")
    def reference_link(self, obj: CorrectiveAction) -> str:
        url = reverse("admin:improvement_correctiveaction_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: CorrectiveAction) -> bool:
        return obj.is_overdue

    @admin.display(description=_("before → after"))
    def recurrence(self, obj: CorrectiveAction) -> str:
        if obj.measured_at is None:
            return "—"
        return f"{obj.recurrence_before} → {obj.recurrence_after}"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True)
                .order_by("first_name", "last_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = dict(super().get_changeform_initial_data(request))
        signal_id = str(request.GET.get("signal") or "")
        signal = (
            RecurrenceSignal.objects.select_related("category", "root_cause")
            .filter(pk=signal_id)
            .first()
            if signal_id.isdigit()
            else None
        )
        if signal is not None:
            initial.update(capa_prefill_from_signal(signal=signal))
        return initial

    # --- Saving: the form's fields, recorded in the history --------------------------

    def save_model(self, request: HttpRequest, obj: CorrectiveAction, form: Any, change: bool):
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        request._capa_complaints_before = (  # type: ignore[attr-defined]
            set(obj.complaints.values_list("pk", flat=True)) if obj.pk else set()
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        capa_saved(
            capa=form.instance,
            actor=request.user,
            created=not change,
            changed=form.changed_data,
            complaints_before=getattr(request, "_capa_complaints_before", set()),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The register is a record: an action is closed, never deleted.
        return False

    # --- The steps ------------------------------------------------------------------

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/step/<str:name>/",
                wrap(self.step_view),
                name="improvement_correctiveaction_step",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        capa = self.get_object(request, object_id)
        if capa is not None:
            extra["capa"] = capa
            extra["steps"] = [
                {"transition": t, "form": CapaTransitionForm(transition=t, prefix=t.name)}
                for t in capa_transitions_from(capa.status)
                if user_can(request.user, t.permission)
            ]
            extra["show_measurement"] = capa.status in VERDICT_STATUSES or capa.measured_at
        return super().change_view(request, object_id, form_url, extra)

    def step_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        capa = get_object_or_404(CorrectiveAction, pk=pk)
        if not self.has_view_permission(request, capa):
            raise PermissionDenied
        transition = capa_transition_by_name(name)
        back = HttpResponseRedirect(
            reverse("admin:improvement_correctiveaction_change", args=[capa.pk])
        )
        if transition is None or transition.source != capa.status:
            messages.error(request, gettext("This step is not possible now."))
            return back
        if not user_can(request.user, transition.permission):
            raise PermissionDenied
        form = CapaTransitionForm(
            request.POST if request.method == "POST" else None,
            transition=transition,
            prefix=transition.name,
        )
        if request.method == "POST" and form.is_valid():
            try:
                capa_transition(
                    capa=capa,
                    name=name,
                    actor=request.user,
                    note=form.cleaned_data.get("note", ""),
                    fields=form.transition_fields(),
                )
            except CapaGuardFailed as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
                return back
            else:
                messages.success(request, gettext("Done: %(step)s.") % {"step": transition.label})
                return back
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{capa.reference}: {transition.label}",
            "capa": capa,
            "transition": transition,
            "form": form,
            "has_view_permission": True,
        }
        return render(request, "admin/improvement/correctiveaction/step.html", context)
