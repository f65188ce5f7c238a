from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    # Not "Complaints": the model is, and the breadcrumb read "Şikâyetler › Şikâyetler".
    verbose_name = _("Complaint handling")
