from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from config import language


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("intake:submit")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("submit/", include("intake.urls")),
    path("track/", include("complaints.urls")),
    path("privacy/", include("complaints.privacy_urls")),
    path("recourse/", include("complaints.recourse_urls")),
    path("dashboard/", include("sla.urls")),
    path("notices/", include("notifications.urls")),
    path("survey/", include("improvement.survey_urls")),
    path("improvement/", include("improvement.urls")),
    path("webhooks/", include("intake.webhook_urls")),
    # Only the configured provider's webhooks (ANYMAIL_INBOUND_ESP), guarded.
    path("anymail/", include("config.anymail_urls")),
    path("api/", include("config.api_urls")),
    # Django's set_language, keeping what was typed into the page's form (config/language.py).
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Complaint management")
admin.site.site_title = _("Complaint management")
