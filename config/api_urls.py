"""/api/: the REST API (v1), its OpenAPI schema and its docs (served from our
own static files by drf-spectacular-sidecar: no CDN). docs/api.md describes it."""

from django.urls import include, path, reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import api as complaints_api
from complaints import api_steps
from intake import api as intake_api


class ApiRootApi(APIView):
    """GET /api/v1/: where things are (CONTRACT.md lists /api/v1/ itself)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "public_submit": url("v1:public-complaint-submit"),
                "public_track": url("v1:public-complaint-submit") + "{tracking_number}/",
                "complaints": url("v1:complaint-list"),
                "schema": url("api-schema"),
                "docs": url("api-docs"),
            }
        )


v1 = [
    path("", ApiRootApi.as_view(), name="root"),
    # Public: anyone (rate-limited per client address).
    path(
        "public/complaints/",
        intake_api.PublicComplaintSubmitApi.as_view(),
        name="public-complaint-submit",
    ),
    path(
        "public/complaints/<str:tracking_number>/",
        intake_api.PublicComplaintTrackApi.as_view(),
        name="public-complaint-track",
    ),
    # Staff: session or token authentication, permissions by group.
    path("complaints/", complaints_api.ComplaintListCreateApi.as_view(), name="complaint-list"),
    path(
        "complaints/<int:pk>/",
        complaints_api.ComplaintDetailApi.as_view(),
        name="complaint-detail",
    ),
    path(
        "complaints/<int:pk>/transitions/",
        complaints_api.ComplaintTransitionApi.as_view(),
        name="complaint-transition",
    ),
    path(
        "complaints/<int:pk>/assign/",
        complaints_api.ComplaintAssignApi.as_view(),
        name="complaint-assign",
    ),
    path(
        "complaints/<int:pk>/classify/",
        complaints_api.ComplaintClassifyApi.as_view(),
        name="complaint-classify",
    ),
    path(
        "complaints/<int:pk>/messages/",
        complaints_api.ComplaintMessageCreateApi.as_view(),
        name="complaint-message-create",
    ),
    path(
        "complaints/<int:pk>/questions/",
        api_steps.ComplaintQuestionApi.as_view(),
        name="complaint-question-create",
    ),
    path(
        "complaints/<int:pk>/resume/",
        api_steps.ComplaintResumeApi.as_view(),
        name="complaint-resume",
    ),
    path(
        "complaints/<int:pk>/decision-calls/",
        api_steps.ComplaintDecisionCallApi.as_view(),
        name="complaint-decision-call-create",
    ),
    path(
        "complaints/<int:pk>/acknowledgements/",
        api_steps.ComplaintAcknowledgementApi.as_view(),
        name="complaint-acknowledgement-create",
    ),
]

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(),
        name="api-schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/", include((v1, "api"), namespace="v1")),
]
