from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.track_lookup, name="track_lookup"),
    path("<str:tracking_number>/", views.track, name="track"),
]
