"""The staff API: every view validates its input with a serializer, calls a
complaints service, and answers with an output serializer. The services raise;
config.exceptions turns what they raise into the one error shape.

Every view needs an active staff account (``StaffPermission``, as the admin)
and ``complaints.view_complaint``; each change also needs the permission its
service checks (the transition's own, assign, classify, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Complaint, ComplaintMessage
from .models.privacy import ReadVia
from .permissions import user_can, user_is_active_staff
from .privacy_audit import complaint_read_record
from .selectors import complaint_detail, complaint_list
from .serializers import (
    ORDERINGS,
    AssignInputSerializer,
    ClassifyInputSerializer,
    ComplaintCreateInputSerializer,
    ComplaintDetailOutputSerializer,
    ComplaintFilterSerializer,
    ComplaintListOutputSerializer,
    ComplaintListPageSerializer,
    MessageInputSerializer,
    MessageOutputSerializer,
    TransitionInputSerializer,
    error_responses,
)
from .services import (
    complaint_assign,
    complaint_classify,
    complaint_message_add,
    complaint_register,
    complaint_transition,
)

# --- Permissions -----------------------------------------------------------------


class StaffPermission(BasePermission):
    """The one rule of the staff API: an active staff account, as the admin asks
    (``is_active`` and ``is_staff``; a token outlives neither), holding
    ``permission`` (none: any staff account)."""

    message = "You do not have permission to do this."
    permission = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        # complaints.permissions holds the rule; the admin and the services ask it too.
        if not self.permission:
            return user_is_active_staff(request.user)
        return user_can(request.user, self.permission)


def has_model_permission(permission: str) -> type[StaffPermission]:
    """A StaffPermission that also needs ``permission`` (``app_label.codename``)."""
    return type(f"Has({permission})", (StaffPermission,), {"permission": permission})


CanViewComplaints = has_model_permission("complaints.view_complaint")
CanAddComplaints = has_model_permission("complaints.add_complaint")


class StaffApi(APIView):
    permission_classes = [CanViewComplaints]


def _detail_response(request: Request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    complaint = complaint_detail(pk=pk)
    data = ComplaintDetailOutputSerializer(complaint, context={"request": request}).data
    return Response(data, status=status_code)


class ComplaintCursorPagination(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ORDERINGS["-received_at"]


# --- Views -----------------------------------------------------------------------

_LIST_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` / `previous`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1–100, default 25."),
]


class ComplaintListCreateApi(StaffApi):
    def get_permissions(self) -> Sequence[Any]:
        if self.request.method == "POST":
            return [CanViewComplaints(), CanAddComplaints()]
        return super().get_permissions()

    @extend_schema(
        operation_id="complaint_list",
        tags=["staff"],
        summary="List complaints (filters, search, ordering, cursor pagination)",
        parameters=[ComplaintFilterSerializer, *_LIST_PARAMETERS],
        responses={200: ComplaintListPageSerializer, **error_responses(400, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        filters = ComplaintFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = complaint_list(filters=filters.validated_data, user=request.user)
        paginator = ComplaintCursorPagination()
        paginator.ordering = ORDERINGS[filters.validated_data["ordering"]]
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ComplaintListOutputSerializer(
            page, many=True, context={"request": request, "now": timezone.now()}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="complaint_create",
        tags=["staff"],
        summary="Record a complaint taken on the phone or in person",
        description=(
            "The tracking number is given during the contact, so the complaint is "
            "acknowledged in the same step (PROCESS.md stage 2). Needs "
            "`complaints.add_complaint`."
        ),
        request=ComplaintCreateInputSerializer,
        responses={201: ComplaintDetailOutputSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request) -> Response:
        serializer = ComplaintCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = complaint_register(actor=request.user, **serializer.validated_data)
        return _detail_response(request, complaint.pk, status.HTTP_201_CREATED)


class ComplaintDetailApi(StaffApi):
    @extend_schema(
        operation_id="complaint_retrieve",
        tags=["staff"],
        summary="A complaint with its history, messages and the transitions open to it",
        responses={200: ComplaintDetailOutputSerializer, **error_responses(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        response = _detail_response(request, pk)
        complaint_read_record(complaint_id=pk, user=request.user, via=ReadVia.API)
        return response


class ComplaintTransitionApi(StaffApi):
    @extend_schema(
        operation_id="complaint_transition",
        tags=["staff"],
        summary="Move the complaint to another stage",
        description=(
            "`to` is the target stage; send the fields the transition takes (listed in "
            "the complaint's `available_transitions`) and an optional `note`. 409 when no "
            "transition leads there from the current stage, 400 when a guard fails "
            "(`fields` says what is missing), 403 without the transition's permission."
        ),
        request=TransitionInputSerializer,
        responses={200: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        to = fields.pop("to")
        note = fields.pop("note", "")
        complaint_transition(
            complaint=complaint, to=to, actor=request.user, note=note, fields=fields
        )
        return _detail_response(request, pk)


class ComplaintAssignApi(StaffApi):
    @extend_schema(
        operation_id="complaint_assign",
        tags=["staff"],
        summary="Hand the complaint to a representative",
        description="Any open stage; needs `complaints.assign_complaint`.",
        request=AssignInputSerializer,
        responses={200: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = AssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_assign(
            complaint=complaint,
            assignee=serializer.validated_data["assignee"],
            actor=request.user,
        )
        return _detail_response(request, pk)


class ComplaintClassifyApi(StaffApi):
    @extend_schema(
        operation_id="complaint_classify",
        tags=["staff"],
        summary="Classify and prioritise (stage 3), or change the priority later",
        description=(
            "On an acknowledged complaint: the `classified` transition with `category` "
            "(its default priority applies unless `priority` is given, then with "
            "`priority_override_reason`); needs `complaints.classify_complaint`. On a "
            "classified, open complaint: a priority change with its reason; needs "
            "`complaints.reprioritize_complaint`; a change of category with its reason "
            "(`priority_override_reason` or `note`); needs `complaints.classify_complaint`. "
            "The priority then follows the new category's default unless it was overridden."
        ),
        request=ClassifyInputSerializer,
        responses={200: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = ClassifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        complaint_classify(
            complaint=complaint,
            actor=request.user,
            category=data.get("category"),
            priority=data.get("priority"),
            reason=data.get("priority_override_reason", ""),
            note=data.get("note", ""),
        )
        return _detail_response(request, pk)


class ComplaintMessageCreateApi(StaffApi):
    @extend_schema(
        operation_id="complaint_message_create",
        tags=["staff"],
        summary="Add a staff message or an internal note",
        description="Needs `complaints.add_complaintmessage`.",
        request=MessageInputSerializer,
        responses={201: MessageOutputSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = MessageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = complaint_message_add(
            complaint=complaint,
            body=data["body"],
            author_kind=ComplaintMessage.Author.STAFF,
            channel=data.get("channel") or complaint.channel,
            internal=data["internal"],
            actor=request.user,
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)
