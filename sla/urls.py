from django.urls import path

from sla import views, workload

app_name = "sla"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("breaches.csv", views.breaches_csv, name="breaches_csv"),
    path("workload/", workload.workload, name="workload"),
]
