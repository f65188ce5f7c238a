"""Staff API steps beside the stage transitions: asking the customer for
information (the resolution clock pauses) and resuming; a call about the
decision (reached: notified, and answered if they did). Same shape as
complaints.api: a strict input serializer, one service call, the complaint's
detail as the answer.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .api import CanViewComplaints, StaffApi, _detail_response, has_model_permission
from .models import CallOutcome, Complaint, DecisionCall
from .serializers import (
    ComplaintDetailOutputSerializer,
    StrictInputSerializer,
    UserRefSerializer,
    error_responses,
)
from .services import (
    complaint_acknowledgement_give,
    complaint_wait_for_customer,
    complaint_wait_resume,
    decision_call_record,
)
from .services.acknowledgement import STAFF_ACKNOWLEDGEMENT_CHANNELS
from .services.decision_calls import PERMISSION as DECISION_CALL_PERMISSION
from .workflow import CUSTOMER_ANSWERS, Stage


class QuestionInputSerializer(StrictInputSerializer):
    question = serializers.CharField(max_length=10000)


class ResumeInputSerializer(StrictInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AcknowledgementInputSerializer(StrictInputSerializer):
    channel = serializers.ChoiceField(choices=[c.value for c in STAFF_ACKNOWLEDGEMENT_CHANNELS])
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ComplaintQuestionApi(StaffApi):
    @extend_schema(
        operation_id="complaint_question_create",
        tags=["staff"],
        summary="Ask the customer for information (the resolution clock pauses)",
        description=(
            "A staff message to the customer, marked as a question; the complaint waits "
            "on the customer until they answer on any channel or staff resume "
            "(PROCESS.md “Waiting on the customer”). A pause asked for after the due "
            "date leaves the breach recorded. 409 from the decision on, 403 without "
            "`complaints.ask_customer_complaint`."
        ),
        request=QuestionInputSerializer,
        responses={201: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_wait_for_customer(
            complaint=complaint,
            question=serializer.validated_data["question"],
            actor=request.user,
        )
        return _detail_response(request, pk, status.HTTP_201_CREATED)


class ComplaintResumeApi(StaffApi):
    @extend_schema(
        operation_id="complaint_resume",
        tags=["staff"],
        summary="Stop waiting on the customer (the resolution clock runs again)",
        description=(
            "Nothing changes when the complaint was not waiting. 403 without "
            "`complaints.ask_customer_complaint`."
        ),
        request=ResumeInputSerializer,
        responses={200: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = ResumeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_wait_resume(
            complaint=complaint, note=serializer.validated_data["note"], actor=request.user
        )
        return _detail_response(request, pk)


class DecisionCallInputSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")
    decision = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    answer = serializers.ChoiceField(
        choices=[(a.value, a.label) for a in CUSTOMER_ANSWERS],
        required=False,
        allow_blank=True,
        default="",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class DecisionCallOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()
    called_at = serializers.DateTimeField()
    caller = UserRefSerializer()
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    answer = serializers.CharField()
    answer_reason = serializers.CharField()
    note = serializers.CharField()
    stage = serializers.ChoiceField(
        choices=Stage.choices, source="complaint.stage", help_text="The complaint's stage after."
    )


class ComplaintDecisionCallApi(StaffApi):
    permission_classes = [CanViewComplaints, has_model_permission(DECISION_CALL_PERMISSION)]

    @extend_schema(
        operation_id="complaint_decision_call_create",
        tags=["staff"],
        summary="Record a call to the customer about the decision",
        description=(
            "PROCESS.md stage 7, by phone. `reached` while the complaint is `responded` "
            "notifies the decision (`decision` required): the complaint moves to "
            "`decision_notified` and the resolution target is met at the call. With "
            "`answer` (`accepted`, or `rejected` with `reason`) the customer's answer on "
            "the call is recorded: closed, or re-opened. `not_reached` is no notification: "
            "only the call is recorded. `phone` defaults to the complaint's number. 409 "
            "outside `responded` / `decision_notified`, 403 without "
            "`complaints.add_decisioncall` (or the permission of the step it implies)."
        ),
        request=DecisionCallInputSerializer,
        responses={201: DecisionCallOutputSerializer, **error_responses(400, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = DecisionCallInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = decision_call_record(
            complaint=complaint, actor=request.user, **serializer.validated_data
        )
        call = DecisionCall.objects.select_related("caller", "complaint").get(pk=call.pk)
        return Response(DecisionCallOutputSerializer(call).data, status=status.HTTP_201_CREATED)


class ComplaintAcknowledgementApi(StaffApi):
    @extend_schema(
        operation_id="complaint_acknowledgement_create",
        tags=["staff"],
        summary="Record that staff gave the acknowledgement by phone or in person",
        description=(
            "For a complaint whose acknowledgement notice the provider reported "
            "undelivered (its target no longer met): the target is met again at this "
            "time. Still `received`: the `acknowledged` step itself. 403 without "
            "`complaints.acknowledge_complaint`."
        ),
        request=AcknowledgementInputSerializer,
        responses={201: ComplaintDetailOutputSerializer, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = get_object_or_404(Complaint, pk=pk)
        serializer = AcknowledgementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_acknowledgement_give(
            complaint=complaint,
            channel=serializer.validated_data["channel"],
            note=serializer.validated_data["note"],
            actor=request.user,
        )
        return _detail_response(request, pk, status.HTTP_201_CREATED)
