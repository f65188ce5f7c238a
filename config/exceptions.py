"""One JSON shape for every API error.

    {"error": {"code": "transition_not_allowed", "message": "...", "fields": {...}}}

``code`` is stable and meant for programs; ``message`` is for people (in the
request's language); ``fields`` maps a request field to its messages and is
present only when the error is about particular fields. The services' own
errors are mapped here, so API views simply let them rise:

| raised                                  | status |
|-----------------------------------------|--------|
| complaints TransitionNotAllowed         | 409    |
| complaints GuardFailed(errors)          | 400, with ``fields`` |
| intake IdempotencyConflict              | 422    |
| django PermissionDenied                 | 403    |
| django ValidationError                  | 400, with ``fields`` |
| DRF Throttled                           | 429, with ``Retry-After`` |
| any other DRF APIException              | its own status and code |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints.services import ComplaintError, GuardFailed, TransitionNotAllowed
from intake.services import IdempotencyConflict

NON_FIELD = "non_field_errors"


def _messages(value: Any) -> Any:
    """Plain strings (and nested dicts/lists of them) from DRF's ErrorDetail trees."""
    if isinstance(value, dict):
        return {str(k): _messages(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_messages(v) for v in value]
    return str(value)


def _error(
    code: str, message: str, status_code: int, fields: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=status_code)


def _domain_error(exc: Exception) -> Response | None:
    if isinstance(exc, GuardFailed):
        return _error(
            "invalid",
            _("The complaint is missing what this step needs."),
            status.HTTP_400_BAD_REQUEST,
            _messages(exc.errors),
        )
    if isinstance(exc, TransitionNotAllowed):
        return _error("transition_not_allowed", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, IdempotencyConflict):
        return _error("idempotency_conflict", str(exc), status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, ComplaintError):
        return _error("conflict", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {
                (NON_FIELD if name == "__all__" else name): messages
                for name, messages in exc.message_dict.items()
            }
        else:
            fields = {NON_FIELD: exc.messages}
        return _error("invalid", _("Invalid input."), status.HTTP_400_BAD_REQUEST, fields)
    return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _domain_error(exc)
    if response is not None:
        return response

    # DRF's handler sets Retry-After / WWW-Authenticate headers; keep those and
    # reshape the body. Django's own 404 and 403 first become DRF's, keeping
    # the service's message ("You do not have permission to do this.").
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        data = _messages(exc.detail)
        fields = data if isinstance(data, dict) else {NON_FIELD: data}
        body = {"code": "invalid", "message": str(_("Invalid input.")), "fields": fields}
    else:
        assert isinstance(exc, exceptions.APIException)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        body = {"code": code, "message": _flat(exc.detail)}
    response.data = {"error": body}
    return response


def _flat(detail: Any) -> str:
    if isinstance(detail, dict):
        return " ".join(_flat(v) for v in detail.values())
    if isinstance(detail, list | tuple):
        return " ".join(_flat(v) for v in detail)
    return str(detail)
