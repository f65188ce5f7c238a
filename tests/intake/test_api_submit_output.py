"""The public API's answer to a submission (intake/serializers.py): built from
the serializer's declared fields, it is what DRF's own path gives."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from intake.serializers import PublicSubmitOutputSerializer
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
