"""The one error shape of the API, for the schema (config.exceptions builds it)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, ...")
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # DRF pops declared fields
        child=serializers.JSONField(),
        required=False,
        help_text="Request field → its messages; only when the error is about fields.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_ERROR_DESCRIPTIONS = {
    400: "Invalid input (`fields` says what), or the step lacks what its guard needs.",
    401: "Not authenticated.",
    403: "Not authenticated, or without the permission.",
    404: "No such object (or an unknown or mistyped tracking number).",
    409: "The process does not allow this now (e.g. an illegal transition).",
    422: "The Idempotency-Key was already used for another request body.",
    429: "Too many requests; see the Retry-After header.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the given error statuses, all in the one error shape."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
        for code in codes
    }
