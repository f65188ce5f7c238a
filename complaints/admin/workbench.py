"""The complaint's page as the agent's workbench: the steps allowed now, each a
form with only its fields, assignment, priority and category changes, messages
and the history. Every POST goes through complaints.services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext

from .. import extensions, services
from ..attachments import attachment_response
from ..forms import (
    AcknowledgeForm,
    AskCustomerForm,
    AssignForm,
    MessageForm,
    RecategorizeForm,
    ReprioritizeForm,
    ResumeForm,
    transition_form_class,
)
from ..models import Complaint, ComplaintAttachment, ComplaintMessage, Priority, Stage
from ..models.privacy import ReadVia
from ..permissions import user_can
from ..privacy_audit import complaint_read_record
from ..selectors import complaint_actions_for
from ..timeline import complaint_timeline
from ..workflow import Transition, transition_by_name

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class WorkbenchMixin(_ModelAdmin):
    """Mixed into ComplaintAdmin, before admin.ModelAdmin."""

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
            path(
                "<int:pk>/attachment/<int:attachment_pk>/",
                wrap(self.attachment_view),
                name="complaints_complaint_attachment",
            ),
            path("<int:pk>/ask/", wrap(self.ask_view), name="complaints_complaint_ask"),
            path("<int:pk>/resume/", wrap(self.resume_view), name="complaints_complaint_resume"),
            path(
                "<int:pk>/acknowledge/",
                wrap(self.acknowledge_view),
                name="complaints_complaint_acknowledge",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        complaint = self.get_object(request, object_id)
        extra: dict[str, Any] = dict(extra_context or {})
        if complaint is not None:
            extra.update(self._workbench_context(request, complaint))
            if request.method == "GET" and self.has_view_permission(request, complaint):
                complaint_read_record(
                    complaint_id=complaint.pk, user=request.user, via=ReadVia.ADMIN
                )
        extra.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
            # The admin's grey "Close" only goes back to the list, and reads as
            # "close the complaint": the page has its own "back to the list" link.
            show_close=False,
        )
        return super().change_view(request, object_id, form_url, extra)

    def _workbench_context(self, request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
        actions = complaint_actions_for(complaint=complaint, user=request.user)
        transitions = [
            {
                "transition": t,
                "form": transition_form_class(t)(
                    prefix=t.name, transition=t, initial=_initial(complaint, t)
                ),
            }
            for t in actions.permitted_transitions
        ]
        return {
            "complaint": complaint,
            "header_items": extensions.admin_header_items(complaint),
            "timeline": complaint_timeline(complaint),
            "transitions": transitions,
            "assign_form": AssignForm(initial={"assignee": complaint.assignee_id})
            if actions.can_assign
            else None,
            "reprioritize_form": ReprioritizeForm(initial={"priority": complaint.priority})
            if actions.can_reprioritize
            else None,
            "recategorize_form": RecategorizeForm(initial={"category": complaint.category_id})
            if actions.can_recategorize
            else None,
            "message_form": MessageForm() if actions.can_message else None,
            "ask_form": AskCustomerForm() if actions.can_ask_customer else None,
            "resume_form": ResumeForm() if actions.can_resume else None,
            "acknowledge_form": AcknowledgeForm() if actions.can_acknowledge_again else None,
            "events": complaint.events.select_related("actor").order_by("created_at", "id"),
            **self._messages_context(request, complaint),
        }

    def _messages_context(self, request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
        """The message table: each message, its files, and what other apps add
        to it (complaints.extensions.message_detail_add: the delivery state)."""
        messages_ = list(
            complaint.messages.select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "id")
        )
        details = extensions.message_details()
        values = extensions.message_details_for(messages_)
        return {
            "complaint_messages": messages_,
            "message_detail_labels": [d.label for d in details],
            "message_rows": [
                (m, [d.display(values[m.pk].get(d.name)) for d in details]) for m in messages_
            ],
            "can_download": user_can(request.user, "complaints.view_complaintattachment"),
            "loose_attachments": list(
                complaint.attachments.filter(message__isnull=True).order_by("created_at", "id")
            ),
            # What other apps show on the page (complaints.extensions.admin_panel_add).
            "extension_panels": extensions.admin_panels(request, complaint),
        }

    def attachment_view(
        self, request: HttpRequest, pk: int, attachment_pk: int
    ) -> HttpResponseBase:
        """A customer's file, only for staff with the permission, always as a
        download (never rendered here: no HTML or SVG tricks on the admin's origin)."""
        if not user_can(request.user, "complaints.view_complaintattachment"):
            raise PermissionDenied
        attachment = get_object_or_404(ComplaintAttachment, pk=attachment_pk, complaint_id=pk)
        return attachment_response(attachment)

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
        if not user_can(request.user, transition.permission):
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

    def ask_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            AskCustomerForm,
            lambda c, d: services.complaint_wait_for_customer(
                complaint=c, question=d["question"], actor=request.user
            ),
            lambda c, d: gettext(
                "Question sent. The resolution clock is paused until the customer answers."
            ),
        )

    def resume_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            ResumeForm,
            lambda c, d: services.complaint_wait_resume(
                complaint=c, note=d["note"], actor=request.user
            ),
            lambda c, d: gettext("Resumed: the resolution clock runs again."),
        )

    def acknowledge_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._simple_post(
            request,
            pk,
            AcknowledgeForm,
            lambda c, d: services.complaint_acknowledgement_give(
                complaint=c, channel=d["channel"], note=d["note"], actor=request.user
            ),
            lambda c, d: gettext("Acknowledgement recorded: the target is met again."),
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


def _initial(complaint: Complaint, transition: Transition) -> dict[str, Any]:
    # The decision usually restates the solution proposal: start from it.
    if "decision" in transition.fields and not complaint.decision:
        return {"decision": complaint.solution_proposal}
    return {}
