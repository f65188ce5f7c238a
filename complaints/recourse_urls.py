from django.urls import path

from . import recourse_views

app_name = "recourse"

urlpatterns = [
    path("", recourse_views.recourse_text, name="text"),
    path("<int:version>/", recourse_views.recourse_text_version, name="text_version"),
]
