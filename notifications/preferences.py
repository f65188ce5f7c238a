"""Each staff member chooses which alerts reach them by e-mail (docs/conversation.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import site
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .models import StaffAlertPreference


class AlertPreferenceForm(forms.ModelForm):
    class Meta:
        model = StaffAlertPreference
        fields = list(StaffAlertPreference.TOPICS)


def alert_preference_save(*, user: Any, values: dict[str, bool]) -> StaffAlertPreference:
    preference, _created = StaffAlertPreference.objects.update_or_create(
        user=user, defaults={t: bool(values.get(t)) for t in StaffAlertPreference.TOPICS}
    )
    return preference


@staff_member_required
@require_http_methods(["GET", "POST"])
def alert_preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # staff_member_required: a logged-in staff user
    current = StaffAlertPreference.objects.filter(user=user).first()
    form = AlertPreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=current or StaffAlertPreference(user=user),
    )
    if request.method == "POST" and form.is_valid():
        alert_preference_save(user=user, values=form.cleaned_data)
        messages.success(request, gettext("Your alert settings are saved."))
        return redirect("notifications:alert_preferences")
    context = {
        **site.each_context(request),
        "title": _("E-mail alerts"),
        "form": form,
    }
    return render(request, "notifications/alert_preferences.html", context)
