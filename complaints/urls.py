from django.urls import path

from . import customer_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.track_lookup, name="track_lookup"),
    path("<str:tracking_number>/", views.track, name="track"),
    path("<str:tracking_number>/verify/", customer_views.verify, name="verify"),
    path("<str:tracking_number>/message/", customer_views.message, name="customer_message"),
    path("<str:tracking_number>/answer/", customer_views.answer, name="customer_answer"),
    path("<str:tracking_number>/leave/", customer_views.leave, name="customer_leave"),
    path("<str:tracking_number>/files/<int:pk>/", customer_views.download, name="customer_file"),
]
