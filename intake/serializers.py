"""Input and output of the public API: shapes only; rules live in the intake service."""

from __future__ import annotations

import copy
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from complaints.models import Channel, Complaint, Kind, Language
from complaints.privacy import privacy_notice_get, privacy_notice_version_of
from complaints.serializers import StrictInputSerializer
from complaints.workflow import Stage

from . import conf

# Channels a public client may declare; phone and in person are staff-only.
PUBLIC_CHANNEL_CHOICES = [
    (c.value, c.label) for c in Channel if c.value in conf.public_api_channels()
]


class PublicSubmitInputSerializer(StrictInputSerializer):
    """The web form's fields, plus ``channel`` (partners relaying a message) and
    ``language``; any other field is refused with a 400 naming it (docs/api.md)."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    channel = serializers.ChoiceField(
        choices=PUBLIC_CHANNEL_CHOICES,
        default=Channel.API,
        help_text=(
            "Where the customer wrote: `api` (default), or `web`, `email`, `sms` for a "
            "partner relaying such a message. `phone` and `in_person` are for staff only "
            "(they acknowledge receipt during the contact)."
        ),
    )
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="Language of the notices to the customer; default: the request's language.",
    )
    privacy_notice_version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=(
            "The version of the privacy notice (`/privacy/`) shown to the customer before "
            "submitting; default: the version in force. Show it: every intake must."
        ),
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # Shallow copies of the declared fields, where DRF deep-copies each
        # (re-running its __init__): 0.2 ms of every submission (issue 15).
        # These fields keep nothing per request; bind() names the copy and
        # gives it this serializer as parent.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    def validate_privacy_notice_version(self, value: int) -> int:
        if privacy_notice_get(value) is None:
            raise serializers.ValidationError("No privacy notice has this version.")
        return value


class DueDatesMixin(serializers.Serializer):
    ack_due_at = serializers.DateTimeField(
        allow_null=True, help_text="When the acknowledgement is due (null until known)."
    )
    resolution_due_at = serializers.DateTimeField(
        allow_null=True, help_text="When the solution proposal is due (null until classified)."
    )


class _NoticeVersionField(serializers.IntegerField):
    # By the notice's id, without loading the notice (complaints.privacy).
    def to_representation(self, complaint: Complaint) -> int | None:  # type: ignore[override]
        return privacy_notice_version_of(complaint.privacy_notice_id)


class PublicSubmitOutputSerializer(DueDatesMixin, serializers.Serializer):
    tracking_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    received_at = serializers.DateTimeField()
    tracking_url = serializers.SerializerMethodField()
    privacy_notice_version = _NoticeVersionField(
        source="*",
        allow_null=True,
        help_text="The privacy notice version recorded with the complaint.",
    )

    def to_representation(self, complaint: Complaint) -> dict[str, Any]:
        # DRF's formatting by the declared fields, read from the class: DRF's
        # own path binds a deep copy of every field to each serializer, most of
        # the 0.4 ms this answer cost on every submission (issue 15). The
        # fields are plain (no nesting, no per-request state in a field).
        data: dict[str, Any] = {}
        for name, field in self._declared_fields.items():
            if isinstance(field, serializers.SerializerMethodField):
                data[name] = getattr(self, f"get_{name}")(complaint)
                continue
            value = complaint if field.source == "*" else getattr(complaint, field.source or name)
            data[name] = None if value is None else field.to_representation(value)
        return data

    def get_tracking_url(self, complaint: Complaint) -> str:
        path = reverse("complaints:track", kwargs={"tracking_number": complaint.tracking_number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class StageStepSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    reached_at = serializers.DateTimeField(allow_null=True)
    is_current = serializers.BooleanField()
    is_done = serializers.BooleanField()


class StageChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields

    def to_representation(self, instance: Any) -> Any:
        at, stage = instance
        return {"at": at.isoformat(), "stage": stage.value, "label": str(stage.label)}


class PublicStatusOutputSerializer(DueDatesMixin, serializers.Serializer):
    """complaints.selectors.PublicStatus: what the tracking page shows; no personal data."""

    tracking_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_label = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    reopen_count = serializers.IntegerField()
    waiting_on_customer_since = serializers.DateTimeField(
        allow_null=True, help_text="We asked the customer for information and wait since then."
    )
    steps = StageStepSerializer(many=True)
    history = StageChangeSerializer(many=True)

    def get_stage_label(self, status: Any) -> str:
        return str(status.stage.label)
