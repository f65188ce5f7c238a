"""The customer's survey page and opt-out, through the invitation's signed link.

Mail scanners open links to check them: a GET only ever shows a page; the
answer and the opt-out are recorded by a POST. Every link that cannot be used
(tampered, expired, used) gets the same clear 410 page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import SurveyForm
from .models import SurveyInvitation
from .services.survey import (
    SurveyLinkError,
    SurveyLinkExpired,
    SurveyLinkUsed,
    survey_answer,
    survey_link_invitation,
    survey_open,
    survey_opt_out,
)

PROBLEMS = {
    "invalid": (
        _("This link is not valid"),
        _(
            "The link may be incomplete or mistyped. Please use the link in the message we "
            "sent you exactly as it is."
        ),
    ),
    "expired": (
        _("This survey has closed"),
        _("Survey links are valid for a limited time. Thank you for your interest."),
    ),
    "used": (
        _("You have already answered"),
        _("Your answers to this survey have been recorded. Thank you."),
    ),
}


def _language(request: HttpRequest, invitation: SurveyInvitation | None) -> str:
    # The customer's language, unless they picked one on the site.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES):
        return str(chosen)
    if invitation is not None:
        return invitation.language
    return translation.get_language() or settings.LANGUAGE_CODE


def _page(
    request: HttpRequest,
    template: str,
    context: dict,
    invitation: SurveyInvitation | None,
    status: int = 200,
) -> HttpResponse:
    with translation.override(_language(request, invitation)):
        response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _problem(request: HttpRequest, error: SurveyLinkError, token: str = "") -> HttpResponse:
    title, message = PROBLEMS[error.reason]
    context = {"title": title, "message": message, "reason": error.reason}
    if token and isinstance(error, SurveyLinkExpired | SurveyLinkUsed):
        # The opt-out keeps working after the survey is used or closed.
        context["opt_out_url"] = reverse("survey:opt_out", args=[token])
    return _page(request, "improvement/survey_problem.html", context, None, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = survey_open(token=token)
    except SurveyLinkError as exc:
        return _problem(request, exc, token)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                token=token,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                language=_language(request, invitation),
            )
        except SurveyLinkError as exc:
            return _problem(request, exc, token)
        return _page(
            request, "improvement/survey_done.html", {"invitation": invitation}, invitation
        )
    context = {
        "form": form,
        "invitation": invitation,
        "complaint": invitation.complaint,
        "opt_out_url": reverse("survey:opt_out", args=[token]),
    }
    status = 400 if request.method == "POST" else 200
    return _page(request, "improvement/survey.html", context, invitation, status)


@never_cache
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            opt = survey_opt_out(token=token)
            return _page(request, "improvement/survey_opted_out.html", {"opt_out": opt}, None)
        # Shows the one button; a link scanner's GET records nothing.
        invitation = survey_link_invitation(token=token)
    except SurveyLinkError as exc:
        return _problem(request, exc)
    return _page(request, "improvement/survey_opt_out.html", {"invitation": invitation}, invitation)
