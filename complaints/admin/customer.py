"""Customers: read and corrected by staff, never deleted. Records that are
possibly the same person are shown side by side with what differs, and merged
only by staff, deliberately (complaints.identity, services.customer_merge)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..identity import (
    FIELDS,
    Details,
    Lookalike,
    customer_lookalikes,
    differences,
    has_lookalike,
)
from ..models import Customer
from ..permissions import user_can
from .privacy import CustomerPrivacyMixin

# One person's records, compared by eye on one page: "select all" is a slip.
MERGE_MAX = 20

FIELD_LABELS = {"name": _("name"), "email": _("e-mail"), "phone": _("phone")}


def _labels(fields: tuple[str, ...] | set[str]) -> str:
    return ", ".join(str(FIELD_LABELS[f]) for f in FIELDS if f in fields) or "—"


def _cells(details: Details, differing: tuple[str, ...] = ()) -> SafeString:
    return format_html_join(
        "",
        "<td>{}</td>",
        (
            (format_html("<strong>{}</strong>", getattr(details, f) or "—"),)
            if f in differing
            else (getattr(details, f) or "—",)
            for f in FIELDS
        ),
    )


def lookalikes_table(
    *, reference: Details, reference_label: str, lookalikes: list[Lookalike], own: int | None = None
) -> SafeString:
    """The records possibly the same customer, beside the details they are compared with;
    the details that differ in bold and listed."""
    if not lookalikes:
        return SafeString(gettext("No record shares this e-mail address or phone number."))
    head = format_html(
        "<tr><th></th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        FIELD_LABELS["name"],
        FIELD_LABELS["email"],
        FIELD_LABELS["phone"],
        gettext("differs in"),
    )
    rows = [format_html("<tr><th>{}</th>{}<td></td></tr>", reference_label, _cells(reference))]
    for found in lookalikes:
        link = format_html(
            '<a href="{}">#{}</a>{}',
            reverse("admin:complaints_customer_change", args=[found.customer.pk]),
            found.customer.pk,
            format_html(" ({})", gettext("this complaint's record"))
            if found.customer.pk == own
            else "",
        )
        rows.append(
            format_html(
                "<tr><th>{}</th>{}<td>{}</td></tr>",
                link,
                _cells(Details.of_customer(found.customer), found.differing),
                _labels(found.differing),
            )
        )
    ids = sorted({found.customer.pk for found in lookalikes} | ({own} if own else set()))
    merge = ""
    if len(ids) > 1:
        merge = format_html(
            '<p><a href="{}?id__in={}">{}</a></p>',
            reverse("admin:complaints_customer_changelist"),
            ",".join(map(str, ids)),
            gettext("Review these records side by side and merge them"),
        )
    return format_html(
        "<p>{}</p><table><thead>{}</thead><tbody>{}</tbody></table>{}",
        gettext(
            "Possibly the same customer: these records share an e-mail address or a phone "
            "number. Contact details are typed by whoever writes in, unverified: merge them "
            "only when you know they are one person."
        ),
        head,
        SafeString("".join(rows)),
        merge,
    )


class PossiblySameFilter(admin.SimpleListFilter):
    title = _("possibly the same customer")
    parameter_name = "possibly_same"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Shares an e-mail address or phone with another record"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(has_lookalike()) if self.value() == "yes" else queryset


@admin.register(Customer)
class CustomerAdmin(CustomerPrivacyMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "phone",
        "language",
        "complaint_count",
        "possibly_same",
        "created_at",
    ]
    search_fields = ["name", "email", "phone"]
    list_filter = [PossiblySameFilter, "language"]
    fields = ["name", "email", "phone", "language", "created_at", "complaints", "lookalikes"]
    readonly_fields = ["created_at", "complaints", "lookalikes"]
    actions = ["merge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                complaint_total=Count("complaints", distinct=True),
                has_lookalike=ExpressionWrapper(has_lookalike(), output_field=BooleanField()),
            )
        )

    @admin.display(description=_("complaints"), ordering="complaint_total")
    def complaint_count(self, obj: Customer) -> int:
        return obj.complaint_total  # type: ignore[attr-defined]

    @admin.display(description=_("possibly the same as another"), boolean=True)
    def possibly_same(self, obj: Customer) -> bool:
        return bool(obj.has_lookalike)  # type: ignore[attr-defined]

    @admin.display(description=_("complaints"))
    def complaints(self, obj: Customer) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:complaints_complaint_changelist")
        return format_html(
            '<a href="{}?customer__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("%(count)d complaint", "%(count)d complaints", obj.complaint_total)  # type: ignore[attr-defined]
            % {"count": obj.complaint_total},  # type: ignore[attr-defined]
        )

    @admin.display(description=_("possibly the same customer"))
    def lookalikes(self, obj: Customer) -> str:
        if obj.pk is None:
            return "—"
        details = Details.of_customer(obj)
        return lookalikes_table(
            reference=details,
            reference_label=gettext("this record"),
            lookalikes=customer_lookalikes(details=details, exclude=obj.pk),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- Merging: chosen by staff, confirmed on a second page ---------------------

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, "complaints.merge_customer")

    @admin.action(description=_("Merge the selected customer records…"), permissions=["merge"])
    def merge(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        customers = list(queryset.order_by("pk")[: MERGE_MAX + 1])
        if not 2 <= len(customers) <= MERGE_MAX:
            messages.error(
                request,
                gettext("Select between two and %(max)d customer records to merge.")
                % {"max": MERGE_MAX},
            )
            return None
        into = next((c for c in customers if str(c.pk) == request.POST.get("into")), None)
        if request.POST.get("confirm") == "yes" and into is not None:
            self._merge(request, customers, into)
            return None
        first = Details.of_customer(customers[0])
        differing = {f for c in customers[1:] for f in differences(Details.of_customer(c), first)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Merge customer records"),
            "customers": customers,
            "into": into or customers[0],
            "differing": _labels(differing) if differing else "",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/complaints/customer/merge.html", context)

    def _merge(self, request: HttpRequest, customers: list[Customer], into: Customer) -> None:
        moved = 0
        try:
            with transaction.atomic():  # all of them, or none
                for customer in customers:
                    if customer.pk == into.pk:
                        continue
                    try:
                        moved += services.customer_merge(
                            customer=customer, into=into, actor=request.user
                        )
                    except ValidationError as exc:
                        raise ValidationError(
                            f"{customer.name} (#{customer.pk}): {' '.join(exc.messages)}"
                        ) from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return
        messages.success(
            request,
            gettext(
                "Merged %(records)d records into “%(name)s” (#%(id)d); complaints moved: %(moved)d."
            )
            % {"records": len(customers) - 1, "name": into.name, "id": into.pk, "moved": moved},
        )
