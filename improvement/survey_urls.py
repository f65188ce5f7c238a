from django.urls import path

from . import survey_views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", survey_views.answer, name="answer"),
    path("<str:token>/opt-out/", survey_views.opt_out, name="opt_out"),
]
