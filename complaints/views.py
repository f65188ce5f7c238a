"""The tracking page. Without proof: stage, stage dates and due dates, no
personal data (what anyone holding the number sees). With proof of being the
customer (complaints.access): their page, with the conversation, the decision
and the forms to write, send files and answer (complaints.customer_views)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.shells import Shell

from . import access, tracking
from .conversation import (
    answer_label,
    customer_conversation,
    decision_awaits_answer,
    decision_is_shown,
)
from .customer_forms import AnswerForm, CustomerMessageForm
from .models import Answer, Complaint
from .recourse import recourse_is_due, recourse_text_current
from .selectors import (
    PublicStatus,
    complaint_public_status,
    complaint_public_status_by_number,
)
from .track_page import status_facts_html, status_stages_html


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()
    if not number:
        return render(request, "complaints/track_lookup.html", {})
    try:
        normalized = tracking.normalize(number)
    except tracking.InvalidTrackingNumber:
        return not_found(request, number)
    return redirect("complaints:track", tracking_number=normalized)


@never_cache
@require_GET
def track(request: HttpRequest, tracking_number: str) -> HttpResponse:
    # The public page needs one query (the stage, the dates); the whole
    # complaint is loaded only for a signed link or a proven customer.
    status = complaint_public_status_by_number(tracking_number)
    if status is None:
        return not_found(request, tracking_number)
    token = request.GET.get(access.LINK_PARAMETER)
    if token is not None:
        complaint = Complaint.objects.get(pk=status.complaint_id)
        # The signed link of a notice: prove, then drop the token from the
        # address bar (and from any later Referer).
        try:
            access.customer_link_check(complaint, token)
        except access.LinkExpired:
            messages.warning(
                request,
                _("The link in our message has expired. Ask for a code below to see your page."),
            )
        except access.LinkInvalid:
            messages.warning(request, _("This link is not valid."))
        else:
            access.access_grant(request, complaint)
        return redirect("complaints:track", tracking_number=complaint.tracking_number)
    if access.access_has_id(request, status.complaint_id):
        return customer_page(request, Complaint.objects.get(pk=status.complaint_id))
    if messages.get_messages(request):
        return render(request, "complaints/track.html", _status_context(status))
    # Nothing to tell but the status: the page's shell, completed (common/shells.py).
    return _STATUS_PAGE.render(
        request,
        {
            "tracking_number": status.tracking_number,
            "facts": status_facts_html(status),
            "stages": status_stages_html(status),
        },
    )


def _status_shell_context(marks: Mapping[str, str], vary: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "status": SimpleNamespace(tracking_number=marks["tracking_number"]),
        "facts": marks["facts"],
        "stages": marks["stages"],
    }


# The status page of anyone holding the number, as track.html renders it
# without messages and without the customer's access.
_STATUS_PAGE = Shell(
    "complaints/track.html",
    holes=("tracking_number", "facts", "stages"),
    context=_status_shell_context,
    plain=("tracking_number",),  # in the link to the code page
)


def _status_context(status: PublicStatus, *, subject: str | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "facts": status_facts_html(status, subject=subject),
        "stages": status_stages_html(status),
    }


def customer_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    message_form: CustomerMessageForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The verified customer's page (also re-shown with a refused form's errors)."""
    context: dict[str, Any] = {
        **_status_context(complaint_public_status(complaint), subject=complaint.subject),
        "complaint": complaint,
        "access": True,
        "conversation": customer_conversation(complaint),
        "show_decision": decision_is_shown(complaint),
        "awaits_answer": decision_awaits_answer(complaint),
        "answer_label": answer_label(complaint),
        "message_form": message_form or CustomerMessageForm(),
        "answer_form": answer_form,
        "accepted": Answer.ACCEPTED,
        "rejected": Answer.REJECTED,
        # PROCESS.md "Where else the customer can go": after a rejection or a closure.
        "recourse": recourse_text_current() if recourse_is_due(complaint) else None,
    }
    response = render(request, "complaints/track.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def not_found(request: HttpRequest, number: str) -> HttpResponse:
    # Same page and status for a mistyped and for an unknown number: nothing
    # tells a guesser which numbers exist.
    return render(
        request, "complaints/track_lookup.html", {"number": number, "not_found": True}, status=404
    )
