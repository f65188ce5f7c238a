"""Input and output serializers of the staff API (complaints.api).

Inputs only check shape (types, choices, lengths, that a referenced row
exists); the services check the process. Outputs are read-only views of the
rows. Categories and root causes are referenced by their ``code``, users by id.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .extensions import api_fields, api_list_filters, message_details, message_details_for
from .models import (
    Answer,
    Category,
    Channel,
    Complaint,
    ComplaintMessage,
    Kind,
    Language,
    Priority,
    RootCause,
)
from .selectors import complaint_actions_for
from .services.submission import STAFF_CHANNELS
from .workflow import Stage

User = get_user_model()

# The error shape lives in complaints.api_errors; importable from here too.
from .api_errors import ErrorBodySerializer, ErrorSerializer, error_responses  # noqa: E402, F401


class StrictInputSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a misspelt field is an error, not a silent no-op."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


# --- Small nested outputs --------------------------------------------------------


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return user.get_full_name() or user.get_username()


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)


# --- List ------------------------------------------------------------------------

ORDERINGS = {
    "received_at": ("received_at", "id"),
    "-received_at": ("-received_at", "-id"),
    "resolution_due_at": ("resolution_due_sort", "id"),
    "-resolution_due_at": ("-resolution_due_sort", "-id"),
}


class ComplaintFilterSerializer(serializers.Serializer):
    """Query parameters of the list; all optional and combined with AND."""

    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    category = serializers.CharField(required=False, help_text="Category code.")
    assignee = serializers.RegexField(
        r"^(\d{1,18}|me|none)$",
        required=False,
        help_text="A user id, `me`, or `none` for unassigned.",
    )
    search = serializers.CharField(
        required=False,
        max_length=200,
        help_text=(
            "A tracking number; an e-mail address or its beginning; a phone number; or "
            "words, each the beginning of a word of the subject, the description or the "
            "name given (Turkish letters optional: `sikayet` finds `şikâyet`)."
        ),
    )
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS), required=False, default="-received_at"
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for extra in api_list_filters():  # e.g. sla's `overdue`
            fields[extra.name] = extra.field()
        return fields


class ComplaintListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, allow_blank=True)
    category = CodeNameSerializer(allow_null=True)
    assignee = UserRefSerializer(allow_null=True)
    customer_name = serializers.CharField(
        source="contact_name", help_text="The name given with this complaint."
    )
    subject = serializers.CharField()
    received_at = serializers.DateTimeField()
    ack_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    reopen_count = serializers.IntegerField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for extra in api_fields():  # e.g. sla's `is_overdue`
            fields[extra.name] = extra.field()
        return fields


class ComplaintListPageSerializer(serializers.Serializer):
    """One page of the cursor pagination: follow ``next`` until it is null."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ComplaintListOutputSerializer(many=True)


# --- Detail ----------------------------------------------------------------------


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="Dotted code, e.g. complaints.complaint.classified.")
    from_stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True)
    to_stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True)
    actor = UserRefSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()  # type: ignore[assignment]  # DRF pops declared fields
    created_at = serializers.DateTimeField()


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField(help_text="As read from the content.")
    size = serializers.IntegerField()
    author_kind = serializers.ChoiceField(choices=ComplaintMessage.Author.choices)
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField(
        help_text="A download for staff with `complaints.view_complaintattachment`."
    )

    def get_download_url(self, attachment: Any) -> str:
        return reverse(
            "admin:complaints_complaint_attachment", args=[attachment.complaint_id, attachment.pk]
        )


class MessageDetailField(serializers.Field):
    """A value another app adds to each message (complaints.extensions.message_detail_add),
    computed once for all the messages of the complaint."""

    def __init__(self, detail: Any, **kwargs: Any) -> None:
        self.detail = detail
        super().__init__(source="*", read_only=True, **kwargs)
        extend_schema_field(detail.schema())(self)  # type: ignore[type-var]

    def to_representation(self, message: Any) -> Any:
        context: Any = self.context  # the root serializer's own dict
        cache = context.setdefault("_message_details", {})
        batch = cache.get(message.complaint_id)
        if batch is None:
            siblings = list(ComplaintMessage.objects.filter(complaint_id=message.complaint_id))
            batch = cache[message.complaint_id] = message_details_for(siblings)
        return batch.get(message.pk, {}).get(self.detail.name)


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_kind = serializers.ChoiceField(choices=ComplaintMessage.Author.choices)
    author = UserRefSerializer(allow_null=True)
    internal = serializers.BooleanField()
    question = serializers.BooleanField(help_text="Staff asked the customer for information.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOutputSerializer(many=True, source="attachments.all")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for detail in message_details():  # e.g. notifications' `delivery`
            fields[detail.name] = MessageDetailField(detail)
        return fields


class AvailableTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Stage.choices)
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    permitted = serializers.BooleanField(help_text="Whether the caller holds its permission.")


class ComplaintDetailOutputSerializer(ComplaintListOutputSerializer):
    description = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    customer = CustomerOutputSerializer()
    contact_email = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    priority_override_reason = serializers.CharField(allow_blank=True)
    root_cause = CodeNameSerializer(allow_null=True)
    root_cause_analysis = serializers.CharField(allow_blank=True)
    solution_proposal = serializers.CharField(allow_blank=True)
    decision = serializers.CharField(allow_blank=True)
    customer_answer = serializers.ChoiceField(choices=Answer.choices, allow_blank=True)
    customer_answer_reason = serializers.CharField(allow_blank=True)
    customer_answer_channel = serializers.ChoiceField(choices=Channel.choices, allow_blank=True)
    customer_answered_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    classified_at = serializers.DateTimeField(allow_null=True)
    decision_notified_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    waiting_on_customer_since = serializers.DateTimeField(
        allow_null=True, help_text="Staff asked the customer for information and wait since then."
    )
    ack_met_at = serializers.DateTimeField(allow_null=True)
    resolution_met_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    history = EventOutputSerializer(many=True, source="events.all")
    messages = MessageOutputSerializer(many=True, source="messages.all")
    attachments = AttachmentOutputSerializer(
        many=True, source="attachments.all", help_text="Every file of the complaint."
    )
    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_available_transitions(self, complaint: Complaint) -> list[dict[str, Any]]:
        request = self.context.get("request")
        actions = complaint_actions_for(complaint=complaint, user=getattr(request, "user", None))
        return [
            {
                "to": str(option.transition.target),
                "name": option.transition.name,
                "label": str(option.transition.label),
                "fields": list(option.transition.fields),
                "permitted": option.permitted,
            }
            for option in actions.transitions
        ]


# --- Inputs ----------------------------------------------------------------------


STAFF_CHANNEL_CHOICES = [(c.value, c.label) for c in STAFF_CHANNELS]


class ComplaintCreateInputSerializer(StrictInputSerializer):
    """A complaint recorded by staff: taken on the phone or in person (acknowledged
    at once), or typed in from an e-mail or text that reached someone directly."""

    channel = serializers.ChoiceField(choices=STAFF_CHANNEL_CHOICES)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.TURKISH)
    privacy_notice_read_out = serializers.BooleanField(
        default=False,
        help_text="Phone and in person: the privacy notice was read out to the customer "
        "(required for those channels).",
    )


class CodeRelatedField(serializers.SlugRelatedField):
    """A row referenced by its ``code``."""

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL refuses NUL in a text parameter with a DataError (a 500),
        # so such a value is refused before the lookup. Found by the API fuzz.
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


def _category_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return CodeRelatedField(
        slug_field="code", queryset=Category.objects.filter(active=True), **kwargs
    )


def _assignee_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        # Only that the user exists: who may be assigned is complaints.staff's rule.
        queryset=User.objects.all(),
        **kwargs,
    )


class TransitionInputSerializer(StrictInputSerializer):
    """``to`` and a note, plus the fields the transition takes (see
    ``available_transitions`` on the complaint); only the fields sent are applied."""

    to = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    category = _category_field(required=False, help_text="Category code.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    priority_override_reason = serializers.CharField(required=False, allow_blank=True)
    assignee = _assignee_field(required=False, help_text="User id of the representative.")
    root_cause = CodeRelatedField(
        slug_field="code",
        queryset=RootCause.objects.filter(active=True),
        required=False,
        help_text="Root-cause code.",
    )
    root_cause_analysis = serializers.CharField(required=False, allow_blank=True)
    solution_proposal = serializers.CharField(required=False, allow_blank=True)
    decision = serializers.CharField(required=False, allow_blank=True)
    customer_answer = serializers.ChoiceField(choices=Answer.choices, required=False)
    customer_answer_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    customer_answer_reason = serializers.CharField(required=False, allow_blank=True)


class AssignInputSerializer(StrictInputSerializer):
    assignee = _assignee_field(help_text="User id of the representative.")


class ClassifyInputSerializer(StrictInputSerializer):
    """Stage 3. On an acknowledged complaint: the classification (the category's
    default priority unless ``priority`` is given, with a reason). Later, while
    open: a priority change, with its reason."""

    category = _category_field(required=False, help_text="Category code.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    priority_override_reason = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MessageInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=10000)
    internal = serializers.BooleanField(
        default=False, help_text="An internal note: never shown to the customer."
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="How it reaches (or reached) the customer; default: the complaint's channel.",
    )
