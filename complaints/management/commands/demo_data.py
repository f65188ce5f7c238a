"""Demo logins, a handful of complaints in different stages, and six months of
history for the dashboards (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.models import Answer, Category, Channel, Complaint, Kind, RootCause, Stage
from complaints.services import complaint_submit, complaint_transition

DEMO_USERS = [
    # username, password, group (None: superuser), name
    ("admin", "admin-demo-2026", None, "Demo Admin"),
    ("agent", "agent-demo-2026", "Agent", "Deniz Ajan"),
    ("temsilci", "temsilci-demo-2026", "Representative", "Elif Temsilci"),
    ("mudur", "mudur-demo-2026", "Manager", "Murat Müdür"),
]

DEMO_COMPLAINTS: list[dict[str, Any]] = [
    {
        "stage": Stage.RECEIVED,
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "name": "Ayşe Yılmaz",
        "email": "ayse.yilmaz@example.com",
        "subject": "Akşam saatlerinde bağlantı kopuyor",
        "description": "Üç gündür her akşam 20:00 civarında internet bağlantım kesiliyor.",
    },
    {
        "stage": Stage.ACKNOWLEDGED,
        "kind": Kind.REQUEST,
        "channel": Channel.EMAIL,
        "name": "Mehmet Demir",
        "email": "mehmet.demir@example.com",
        "subject": "Fatura adresi değişikliği",
        "description": "Fatura adresimin yeni ofisimize taşınmasını istiyorum.",
    },
    {
        "stage": Stage.CLASSIFIED,
        "kind": Kind.COMPLAINT,
        "channel": Channel.PHONE,
        "name": "Zeynep Kaya",
        "phone": "0532 123 45 67",
        "subject": "Fazla fatura",
        "description": "Bu ay faturama iki kez kurulum ücreti yansıtılmış.",
        "category": "financial",
    },
    {
        "stage": Stage.IN_ANALYSIS,
        "kind": Kind.COMPLAINT,
        "channel": Channel.SMS,
        "name": "Ali Çelik",
        "phone": "0533 765 43 21",
        "subject": "Sunucu erişilemiyor",
        "description": "Sunucumuza iki saattir erişilemiyor, satışlarımız durdu.",
        "category": "operations-stopped",
    },
    {
        "stage": Stage.DECISION_NOTIFIED,
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "name": "Customer in English",
        "email": "jane.doe@example.com",
        "language": "en",
        "subject": "Support agent was rude",
        "description": "The agent I spoke to yesterday hung up on me.",
        "category": "staff-behaviour",
    },
    {
        "stage": Stage.CLOSED,
        "kind": Kind.FEEDBACK,
        "channel": Channel.IN_PERSON,
        "name": "Hasan Öztürk",
        "phone": "0212 555 12 34",
        "subject": "Teşekkür",
        "description": "Teknik ekibinizin hızlı müdahalesi için teşekkür ederim.",
        "category": "communication",
    },
]

_DEMO_MARK = "[demo] "


def demo_logins_text() -> str:
    lines = [f"Demo logins ({settings.SITE_URL}/admin/):"]
    for username, password, group, _name in DEMO_USERS:
        lines.append(f"  {group or 'superuser':<15} {username:<10} / {password}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Create the demo logins and demo complaints (idempotent) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off")
        parser.add_argument(
            "--no-history", action="store_true", help="without the six months of history"
        )
        parser.add_argument("--history-count", type=int, default=3000, help="complaints in it")
        parser.add_argument(
            "--no-logins", action="store_true", help="do not print the logins (make run does, last)"
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins have known passwords: refusing with DEBUG off.")
        with transaction.atomic():
            users = self._users()
            created = self._complaints(users["temsilci"])
        self.stdout.write(f"Demo complaints created: {created}")
        if not options["no_history"]:
            # The sla app writes the history (it computes the SLA columns): asked by
            # name, so that complaints does not import it.
            call_command(
                "demo_history", count=options["history_count"], force=force, stdout=self.stdout
            )
        if not options["no_logins"]:
            self.stdout.write(demo_logins_text())

    def _users(self) -> dict[str, Any]:
        User = get_user_model()
        users = {}
        for username, password, group, name in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last = name.split(" ", 1)
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.com",
                    is_staff=True,
                    is_superuser=group is None,
                )
                user.set_password(password)
                user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def _complaints(self, representative: Any) -> int:
        if Complaint.objects.filter(subject__startswith=_DEMO_MARK).exists():
            return 0
        for spec in DEMO_COMPLAINTS:
            spec = dict(spec)
            target = spec.pop("stage")
            category = spec.pop("category", None)
            complaint = complaint_submit(
                subject=_DEMO_MARK + spec.pop("subject"), actor=representative, **spec
            )
            steps = [
                (Stage.ACKNOWLEDGED, {}),
                (Stage.CLASSIFIED, {"category": Category.objects.filter(code=category).first()}),
                (Stage.TRACKING, {"assignee": representative}),
                (Stage.IN_ANALYSIS, {}),
                (
                    Stage.RESPONDED,
                    {
                        "root_cause": RootCause.objects.get(code="process"),
                        "root_cause_analysis": "Süreç adımı atlanmış.",
                        "solution_proposal": "Süreç düzeltildi; ücret iade edilecek.",
                    },
                ),
                (Stage.DECISION_NOTIFIED, {"decision": "Ücret iade edildi, süreç güncellendi."}),
                (
                    Stage.CLOSED,
                    {}
                    if spec["kind"] == Kind.FEEDBACK
                    else {
                        "customer_answer": Answer.ACCEPTED,
                        "customer_answer_channel": Channel.PHONE,
                    },
                ),
            ]
            order = list(Stage)
            for stage, fields in steps:
                if order.index(Stage(complaint.stage)) >= order.index(target):
                    break
                if order.index(stage) <= order.index(Stage(complaint.stage)):
                    continue
                complaint = complaint_transition(
                    complaint=complaint, to=stage, actor=representative, fields=fields
                )
        return len(DEMO_COMPLAINTS)
