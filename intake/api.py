"""The public API: submit a complaint, follow it with its tracking number.

Anyone may call these; a partner may send its API token (``Authorization:
Token ...``) to get an idempotency scope of its own. A browser session is
ignored here, so no CSRF token is needed and none is checked.
"""

from __future__ import annotations

import re

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.authentication import ExpiringTokenAuthentication
from complaints.models import NoticeGiven
from complaints.selectors import complaint_public_status_by_number
from complaints.serializers import error_responses

from .ratelimit import SubmitRateThrottle, TrackRateThrottle
from .serializers import (
    PublicStatusOutputSerializer,
    PublicSubmitInputSerializer,
    PublicSubmitOutputSerializer,
)
from .services import intake_submit

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Printable ASCII without spaces; the IntakeKey column holds 200 characters.
_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")


def _idempotency_scope(request: Request) -> str:
    # A partner's keys cannot collide with another partner's; anonymous clients share one.
    user = request.user
    if user is not None and user.is_authenticated:
        return f"api:u{user.pk}"
    return "api"


class PublicComplaintSubmitApi(APIView):
    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [SubmitRateThrottle]

    @extend_schema(
        operation_id="public_complaint_submit",
        tags=["public"],
        summary="Submit a complaint, request or feedback",
        description=(
            "The web form's fields and validation. With an `Idempotency-Key` header a "
            "retried request (same key, same body) returns the first complaint with 200 "
            "instead of creating a second one; the same key with another body is refused "
            "with 422."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Client-chosen unique key (1–200 printable ASCII characters).",
            )
        ],
        request=PublicSubmitInputSerializer,
        responses={
            201: PublicSubmitOutputSerializer,
            200: OpenApiResponse(
                PublicSubmitOutputSerializer, description="A replay of an earlier request."
            ),
            **error_responses(400, 422, 429),
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        if key and not _KEY_PATTERN.fullmatch(key):
            raise serializers.ValidationError(
                {IDEMPOTENCY_HEADER: ["Use 1–200 printable ASCII characters without spaces."]}
            )
        serializer = PublicSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = intake_submit(
            channel=data["channel"],
            kind=data["kind"],
            subject=data["subject"],
            description=data["description"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=data.get("language") or (getattr(request, "LANGUAGE_CODE", "") or "tr")[:2],
            idempotency_key=key,
            idempotency_scope=_idempotency_scope(request) if key else "",
            # A client that names the version it showed says it showed it;
            # without one, the channel's own way applies (e-mail and SMS relayed
            # by a partner: the acknowledgement links the notice).
            privacy_notice_version=data.get("privacy_notice_version"),
            privacy_notice_given=NoticeGiven.SHOWN if data.get("privacy_notice_version") else "",
        )
        # No read-back: the apps' fields of a new complaint (its due dates) are
        # set before its INSERT, and their reactions update the same instance.
        output = PublicSubmitOutputSerializer(result.complaint, context={"request": request})
        response = Response(
            output.data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )
        if key:
            response["Idempotent-Replayed"] = "false" if result.created else "true"
        return response


class PublicComplaintTrackApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TrackRateThrottle]

    @extend_schema(
        operation_id="public_complaint_track",
        tags=["public"],
        summary="The tracking page's data",
        description=(
            "Current stage, stage history and due dates; no personal data. "
            "404 for an unknown or mistyped number (the same answer for both)."
        ),
        responses={200: PublicStatusOutputSerializer, **error_responses(404, 429)},
    )
    def get(self, request: Request, tracking_number: str) -> Response:
        status = complaint_public_status_by_number(tracking_number)
        if status is None:
            raise Http404
        return Response(PublicStatusOutputSerializer(status).data)
