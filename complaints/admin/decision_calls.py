"""Decision calls on the complaint's page: a card to record a call (through
complaints.services.decision_call_record) and the calls made, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import DecisionCallForm
from ..models import Complaint, DecisionCall
from ..models.decision_call import CallOutcome
from ..permissions import user_can
from ..selectors import complaint_actions_for
from ..services.decision_calls import PERMISSION

if TYPE_CHECKING:
    from .workbench import WorkbenchMixin

    _Workbench = WorkbenchMixin
else:
    _Workbench = object


_COLUMNS = ("called_at", "phone", "caller", "outcome", "answer", "answer_reason", "note")


class DecisionCallInline(admin.TabularInline):
    model = DecisionCall
    fk_name = "complaint"
    extra = 0
    can_delete = False
    fields = _COLUMNS
    readonly_fields = _COLUMNS
    ordering = ["called_at", "id"]
    verbose_name_plural = _("decision calls")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # recorded through the card above, by the service

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a call stays as it was recorded


class DecisionCallMixin(_Workbench):
    """Mixed into ComplaintAdmin, before WorkbenchMixin."""

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/decision-call/",
                wrap(self.decision_call_view),
                name="complaints_complaint_decision_call",
            ),
            *super().get_urls(),
        ]

    def _workbench_context(self, request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
        context = super()._workbench_context(request, complaint)
        actions = complaint_actions_for(complaint=complaint, user=request.user)
        context["decision_call_form"] = (
            DecisionCallForm(complaint=complaint) if actions.can_record_decision_call else None
        )
        return context

    def decision_call_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self._get_for_action(request, pk)
        if not user_can(request.user, PERMISSION):
            raise PermissionDenied
        form = DecisionCallForm(request.POST, complaint=complaint)
        if not form.is_valid():
            errors = ("; ".join(str(m) for m in e) for e in form.errors.values())
            messages.error(request, "; ".join(errors))
            return self._back(complaint)
        data = form.cleaned_data
        try:
            services.decision_call_record(
                complaint=complaint,
                outcome=data["outcome"],
                actor=request.user,
                phone=data["phone"],
                decision=data.get("decision", ""),
                answer=data["answer"],
                reason=data["reason"],
                note=data["note"],
            )
        except services.GuardFailed as exc:
            # Said with the card's own labels (the service names its inputs).
            labels = {name: field.label for name, field in form.fields.items()}
            messages.error(
                request,
                "; ".join(
                    f"{labels.get(name, name)}: {' '.join(errors)}"
                    for name, errors in exc.errors.items()
                ),
            )
            return self._back(complaint)
        except services.ComplaintError as exc:
            messages.error(request, str(exc))
            return self._back(complaint)
        complaint.refresh_from_db()
        if data["outcome"] == CallOutcome.NOT_REACHED:
            messages.warning(
                request,
                gettext("Call recorded: the customer was not reached, so nothing was notified."),
            )
        else:
            messages.success(
                request,
                gettext("Call recorded. The complaint is now “%(stage)s”.")
                % {"stage": complaint.get_stage_display()},
            )
        return self._back(complaint)
