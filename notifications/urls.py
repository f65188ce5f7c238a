from django.urls import path

from . import preferences, views

app_name = "notifications"

urlpatterns = [
    path("answer/<str:token>/", views.answer, name="answer"),
    path("answer/<str:token>/accept/", views.answer_accept, name="answer_accept"),
    path("answer/<str:token>/reject/", views.answer_reject, name="answer_reject"),
    path("twilio/status/", views.twilio_status, name="twilio_status"),
    path("alerts/", preferences.alert_preferences, name="alert_preferences"),
]
