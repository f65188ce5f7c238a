"""What the improvement app adds to the complaint's staff screens, through the
extension points complaints declares (complaints.extensions): a panel with
the repeats, links, similar complaints, the survey and the corrective actions
of the complaint; the export actions of the list."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from complaints import extensions
from complaints.models import Complaint
from complaints.permissions import user_can

from .services.recurrence import LINK_PERMISSION

EXPORT_PERMISSION = "improvement.export_complaints"


def complaint_panel(request: Any, complaint: Complaint) -> str:
    from .models import SurveyInvitation
    from .selectors.recurrence import similar_for_page

    user = request.user
    context = similar_for_page(complaint=complaint)
    invitation = (
        SurveyInvitation.objects.select_related("response").filter(complaint=complaint).first()
    )
    context.update(
        complaint=complaint,
        can_link=user_can(user, LINK_PERMISSION),
        can_export=user_can(user, EXPORT_PERMISSION),
        can_view_capa=user_can(user, "improvement.view_correctiveaction"),
        invitation=invitation,
        response=getattr(invitation, "response", None) if invitation else None,
        corrective_actions=list(complaint.corrective_actions.order_by("-created_at")[:20]),
    )
    return render_to_string("improvement/admin/complaint_panel.html", context, request=request)


def _can_export(request: Any) -> bool:
    return user_can(request.user, EXPORT_PERMISSION)


def _export_xlsx(modeladmin: Any, request: Any, queryset: Any) -> Any:
    from .audit.export import export_response

    return export_response(queryset=queryset, fmt="xlsx", language=_language(request))


def _export_csv(modeladmin: Any, request: Any, queryset: Any) -> Any:
    from .audit.export import export_response

    return export_response(queryset=queryset, fmt="csv", language=_language(request))


def _language(request: Any) -> str:
    return (getattr(request, "LANGUAGE_CODE", "") or "tr")[:2]


def register() -> None:
    extensions.admin_panel_add(complaint_panel)
    extensions.admin_action_add(
        "improvement_export_xlsx",
        _export_xlsx,
        description=_("Export the selected complaints (XLSX)"),
        allowed=_can_export,
    )
    extensions.admin_action_add(
        "improvement_export_csv",
        _export_csv,
        description=_("Export the selected complaints (CSV)"),
        allowed=_can_export,
    )
