"""One JSON shape for every API error: {"error": {"code", "message", "fields"?}}."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions

from complaints.services import GuardFailed, TransitionNotAllowed
from config.exceptions import api_exception_handler
from intake.services import IdempotencyConflict


def handle(exc):
    response = api_exception_handler(exc, {})
    assert response is not None
    assert set(response.data) == {"error"}
    assert {"code", "message"} <= set(response.data["error"])
    return response.status_code, response.data["error"], response


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (TransitionNotAllowed("no way"), 409, "transition_not_allowed"),
        (GuardFailed({"category": "required"}), 400, "invalid"),
        (IdempotencyConflict("used"), 422, "idempotency_conflict"),
        (PermissionDenied("You do not have permission to do this."), 403, "permission_denied"),
        (ValidationError({"email": ["bad"]}), 400, "invalid"),
        (ValidationError("bad"), 400, "invalid"),
        (Http404(), 404, "not_found"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.ParseError(), 400, "parse_error"),
        (exceptions.MethodNotAllowed("PUT"), 405, "method_not_allowed"),
        (exceptions.Throttled(wait=42), 429, "throttled"),
        (exceptions.ValidationError({"name": ["required"]}), 400, "invalid"),
    ],
)
def test_every_error_has_the_same_shape(exc, status, code):
    got_status, error, _ = handle(exc)
    assert (got_status, error["code"]) == (status, code)
    assert isinstance(error["message"], str) and error["message"]


def test_a_failed_guard_names_its_fields():
    _, error, _ = handle(GuardFailed({"root_cause": "required", "decision": ["a", "b"]}))
    assert error["fields"] == {"root_cause": ["required"], "decision": ["a", "b"]}


def test_django_validation_errors_keep_their_fields_and_non_field_errors():
    _, error, _ = handle(ValidationError({"__all__": ["both"], "phone": ["bad"]}))
    assert error["fields"] == {"non_field_errors": ["both"], "phone": ["bad"]}
    _, error, _ = handle(ValidationError(["one", "two"]))
    assert error["fields"] == {"non_field_errors": ["one", "two"]}


def test_the_services_permission_message_is_kept():
    _, error, _ = handle(PermissionDenied("You do not have permission to do this."))
    assert error["message"] == "You do not have permission to do this."


def test_throttled_carries_retry_after():
    _, _, response = handle(exceptions.Throttled(wait=42))
    assert response["Retry-After"] == "42"


def test_an_unexpected_error_is_left_to_django():
    assert api_exception_handler(RuntimeError("bug"), {}) is None
