"""The verified customer's actions on their page: prove who they are with a
one-time code, write, send files, answer the decision, download their files.
Every change goes through complaints.services; every form posts with CSRF and
works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, conf, services
from .attachments import attachment_response
from .conversation import customer_attachment
from .customer_forms import AnswerForm, CodeForm, CodeRequestForm, CustomerMessageForm
from .models import Answer, Channel, Complaint
from .selectors import complaint_get_by_tracking_number
from .views import customer_page, not_found

_CODE_SENT_KEY = "complaints:code_sent"


def _complaint(tracking_number: str) -> Complaint:
    complaint = complaint_get_by_tracking_number(tracking_number)
    if complaint is None:
        raise Http404
    return complaint


def _to_page(complaint: Complaint, anchor: str = "") -> HttpResponse:
    url = reverse("complaints:track", args=[complaint.tracking_number])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _to_verify(complaint: Complaint) -> HttpResponse:
    return redirect("complaints:verify", tracking_number=complaint.tracking_number)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """Ask for a one-time code (``action=send``) and type it (``action=check``)."""
    complaint = complaint_get_by_tracking_number(tracking_number)
    if complaint is None:
        return not_found(request, tracking_number)
    if access.access_has(request, complaint):
        return _to_page(complaint)
    contacts = services.access_contacts(complaint)
    masked = {via: access.contact_mask(address) for via, address in contacts.items()}
    sent = (request.session.get(_CODE_SENT_KEY) or {}).get(str(complaint.pk))
    request_form = CodeRequestForm(contacts=masked)
    code_form = CodeForm()
    error, status, retry_after = "", 200, None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send":
                request_form = CodeRequestForm(request.POST, contacts=masked)
                if request_form.is_valid():
                    via = request_form.cleaned_data["via"]
                    services.access_code_request(complaint=complaint, via=via)
                    request.session[_CODE_SENT_KEY] = {str(complaint.pk): via}
                    return _to_verify(complaint)
                status = 400
            elif action == "check":
                code_form = CodeForm(request.POST)
                if code_form.is_valid():
                    services.access_code_verify(
                        complaint=complaint, code=code_form.cleaned_data["code"]
                    )
                    access.access_grant(request, complaint)
                    request.session.pop(_CODE_SENT_KEY, None)
                    return _to_page(complaint)
                status = 400
            else:
                status = 400
        except services.AccessRefused as exc:
            error, status, retry_after = str(exc), exc.status, exc.retry_after
    context = {
        "complaint": complaint,
        "contacts": masked,
        "sent_to": masked.get(sent or ""),
        "valid_minutes": max(1, conf.access_code_valid_seconds() // 60),
        "request_form": request_form,
        "code_form": code_form,
        "error": error,
    }
    response = render(request, "complaints/verify.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_POST
def message(request: HttpRequest, tracking_number: str) -> HttpResponse:
    complaint = _complaint(tracking_number)
    if not access.access_has(request, complaint):
        return _to_verify(complaint)
    form = CustomerMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.customer_message_post(
                complaint=complaint,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
                channel=Channel.WEB,
            )
        except services.GuardFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Thank you. Your message has reached us."))
            return _to_page(complaint, "conversation")
    return customer_page(request, complaint, message_form=form, status=400)


@never_cache
@require_POST
def answer(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """Accept or reject the decision: the same service and rules as the e-mail links."""
    complaint = _complaint(tracking_number)
    if not access.access_has(request, complaint):
        return _to_verify(complaint)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_record_answer(
                complaint=complaint,
                answer=form.cleaned_data["answer"],
                channel=Channel.WEB,
                reason=form.cleaned_data["reason"].strip(),
                actor=None,
            )
        except services.GuardFailed as exc:
            for field, errors in exc.errors.items():
                target = "reason" if field == "customer_answer_reason" else None
                for error in errors:
                    form.add_error(target, error)
        except services.TransitionNotAllowed:
            messages.warning(request, _("This decision is no longer awaiting your answer."))
            return _to_page(complaint)
        else:
            if form.cleaned_data["answer"] == Answer.ACCEPTED:
                messages.success(request, _("Thank you. Your application is now closed."))
            else:
                messages.success(request, _("Thank you. We will look at your application again."))
            return _to_page(complaint)
    return customer_page(request, complaint, answer_form=form, status=400)


@never_cache
@require_POST
def leave(request: HttpRequest, tracking_number: str) -> HttpResponse:
    complaint = _complaint(tracking_number)
    access.access_end(request, complaint)
    return _to_page(complaint)


@never_cache
@require_GET
def download(request: HttpRequest, tracking_number: str, pk: int) -> HttpResponseBase:
    complaint = _complaint(tracking_number)
    if not access.access_has(request, complaint):
        return _to_verify(complaint)
    attachment = customer_attachment(complaint, pk)
    if attachment is None:
        raise Http404
    try:
        return attachment_response(attachment)
    except (OSError, ValidationError) as exc:
        raise Http404 from exc
