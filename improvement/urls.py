from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.review_download, name="review"),
    path("complaints/<int:pk>/link/", views.complaint_link, name="complaint_link"),
    path("complaints/<int:pk>/dossier.pdf", views.dossier, name="dossier"),
]
