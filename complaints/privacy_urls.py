from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("", privacy_views.privacy_notice, name="notice"),
    path("<int:version>/", privacy_views.privacy_notice_version, name="notice_version"),
]
