import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from common.shells import Shell
from complaints.models import Channel, NoticeGiven
from complaints.privacy import privacy_notice_current
from complaints.selectors import complaint_get_by_tracking_number
from complaints.services import GuardFailed
from config.language import language_draft_pop

from .forms import SubmitForm
from .ratelimit import client_address
from .services import intake_submit

# The confirmation page's tracking number travels in a cookie signed with the
# SECRET_KEY, scoped to that page: no session row is written for a submission
# (issue 15: the session's INSERT and its save were 0.5 ms of the request's CPU,
# and a row per anonymous visitor kept for two weeks).
_DONE_COOKIE = "intake_done"
_DONE_SALT = "intake.views.submitted"
_DONE_MAX_AGE = 60 * 60


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit_post(request)
    # Back from switching the language: what was typed is still there.
    initial = language_draft_pop(request)
    notice = privacy_notice_current()
    if not initial:
        # Nothing typed: the form is the same for every visitor but its CSRF
        # token and submission id, a shell completed (common/shells.py).
        return _BLANK_PAGE.render(request, {"submission_id": str(uuid.uuid4())}, vary=(notice,))
    initial.setdefault("privacy_notice_version", notice.version if notice is not None else "")
    return _page(request, SubmitForm(initial=initial), notice, status=200)


def _submit_post(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = intake_submit(
                channel=Channel.WEB,
                kind=data["kind"],
                subject=data["subject"],
                description=data["description"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                language=(get_language() or "tr")[:2],
                idempotency_key=str(data["submission_id"]),
                # The version shown with the form, else the one in force:
                # looked up by the complaint's INSERT itself.
                privacy_notice_version=data.get("privacy_notice_version"),
                privacy_notice_given=NoticeGiven.SHOWN,
                attachments=data["attachments"],
                client=client_address(request),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        except GuardFailed as exc:  # a file refused by the service's own check
            for field, messages in exc.errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            response = redirect("intake:submitted")
            response.set_signed_cookie(
                _DONE_COOKIE,
                result.complaint.tracking_number,
                salt=_DONE_SALT,
                max_age=_DONE_MAX_AGE,
                path=response.url,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    return _page(request, form, privacy_notice_current(), status=400)


def _page(request: HttpRequest, form: SubmitForm, notice: Any, *, status: int) -> HttpResponse:
    context = {"form": form, "language_form": "submit-form", "privacy_notice": notice}
    return render(request, "intake/submit.html", context, status=status)


def _blank_shell_context(marks: Mapping[str, str], vary: tuple[Any, ...]) -> dict[str, Any]:
    (notice,) = vary
    version = notice.version if notice is not None else ""
    initial = {"privacy_notice_version": version, "submission_id": marks["submission_id"]}
    return {
        "form": SubmitForm(initial=initial),
        "language_form": "submit-form",
        "privacy_notice": notice,
    }


# The form as every visitor first sees it, per language and notice version.
_BLANK_PAGE = Shell("intake/submit.html", holes=("submission_id",), context=_blank_shell_context)


def submitted(request: HttpRequest) -> HttpResponse:
    number = request.get_signed_cookie(
        _DONE_COOKIE, default=None, salt=_DONE_SALT, max_age=_DONE_MAX_AGE
    )
    complaint = complaint_get_by_tracking_number(number) if number else None
    if complaint is None:
        return redirect("intake:submit")
    return render(request, "intake/submitted.html", {"complaint": complaint})
