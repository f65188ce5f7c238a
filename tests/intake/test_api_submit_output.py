"""The public API's submission serializers (intake/serializers.py), which skip
DRF's per-request deep copies of their fields: they validate and answer
exactly as DRF's own path does."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from intake.serializers import PublicSubmitInputSerializer, PublicSubmitOutputSerializer
from intake.services import intake_submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["tr", "en"])
def test_the_answer_is_what_drfs_own_serializing_gives(language):
    from django.utils import translation

    complaint = intake_submit(
        channel="api",
        kind="request",
        subject="Adres değişikliği",
        description="Fatura adresimi değiştirmek istiyorum.",
        name="Ayşe Yılmaz",
        email="ayse@example.com",
        language=language,
    ).complaint
    request = APIRequestFactory().post("/api/v1/public/complaints/")
    with translation.override(language):
        output = PublicSubmitOutputSerializer(complaint, context={"request": request})
        by_drf = serializers.Serializer.to_representation(output, complaint)
        answer = output.data

    assert answer == by_drf
    assert list(answer) == list(by_drf)
    assert answer["ack_due_at"] is not None  # a due date formatted, not only nulls
    assert answer["tracking_url"].endswith(f"/track/{complaint.tracking_number}/")


def test_a_missing_due_date_is_null():
    complaint = intake_submit(
        channel="api",
        kind="complaint",
        subject="Hız düşük",
        description="Akşamları hız düşüyor.",
        name="Ayşe Yılmaz",
        email="ayse@example.com",
    ).complaint
    answer = PublicSubmitOutputSerializer(complaint).data
    assert answer["resolution_due_at"] is None  # not classified yet
    assert answer["tracking_url"] == f"/track/{complaint.tracking_number}/"


class _DeepCopiedInput(PublicSubmitInputSerializer):
    def get_fields(self):  # DRF's own
        return serializers.Serializer.get_fields(self)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ayşe", "email": "ayse@example.com", "subject": "Konu", "description": "Metin"},
        {"name": "Ayşe", "email": "yanlış", "subject": "", "description": "x" * 10001},
        {"name": None, "kind": "başka", "channel": "phone", "privacy_notice_version": 0},
        {"name": ["liste"], "subject": {"a": 1}, "language": "de", "surprise": True},
        {"name": "x" * 201, "phone": "1" * 31, "privacy_notice_version": 99999},
        {},
    ],
)
def test_the_input_is_validated_as_with_drfs_own_field_copies(body):
    ours, drfs = PublicSubmitInputSerializer(data=body), _DeepCopiedInput(data=body)
    assert ours.is_valid() == drfs.is_valid()
    assert ours.errors == drfs.errors
    if not ours.errors:
        assert ours.validated_data == drfs.validated_data


def test_each_input_serializer_has_its_own_fields():
    first, second = PublicSubmitInputSerializer(data={}), PublicSubmitInputSerializer(data={})
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
