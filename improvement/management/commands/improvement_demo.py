"""Demo data for the improvement loop (idempotent; run after demo_data).

Fourteen weeks of closed complaints with their survey answers, a spike of
billing complaints in the last complete week (so a recurring-problem signal
is raised), two corrective actions, and a demo Auditor login.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from complaints import tracking
from complaints.models import Category, Complaint, Customer, RootCause, Stage
from improvement.models import (
    SCORE_FIELDS,
    CapaEvent,
    CorrectiveAction,
    RecurrenceSignal,
    SurveyInvitation,
    SurveyResponse,
)
from improvement.services.capa import capa_open, capa_prefill_from_signal
from improvement.services.recurrence import recurrence_signals_detect
from improvement.weeks import local_date, week_start, zone

MARK = "[demo-iyileştirme] "
AUDITOR = ("denetci", "denetci-demo-2026", "Auditor", "Derya Denetçi")
SUBJECTS = {
    "financial": (
        "Faturada mükerrer kurulum ücreti",
        "Bu ay faturama kurulum ücreti iki kez yansımış.",
    ),
    "communication": ("Bilgilendirme yapılmadı", "Planlı bakım için önceden bilgi verilmedi."),
    "operations-disrupted": ("Bağlantı akşamları yavaşlıyor", "Akşam saatlerinde hız çok düşüyor."),
    "staff-behaviour": (
        "Çağrı merkezi kaba davrandı",
        "Görüştüğüm temsilci telefonu yüzüme kapattı.",
    ),
    "contract-breach": ("Taahhüt dışı ücret", "Sözleşmede olmayan bir ücret tahsil edildi."),
}


class Command(BaseCommand):
    help = "Create the improvement loop's demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins have known passwords: refusing with DEBUG off.")
        with transaction.atomic():
            self._auditor()
            created = self._history()
            signals = recurrence_signals_detect()
            actions = self._actions()
        self.stdout.write(
            self.style.SUCCESS(
                f"Improvement demo: {created} complaints, {len(signals)} new signals, "
                f"{actions} corrective actions."
            )
        )
        self.stdout.write(f"  Auditor         {AUDITOR[0]:<10} / {AUDITOR[1]}")

    def _auditor(self) -> None:
        User = get_user_model()
        username, password, group, name = AUDITOR
        if User.objects.filter(username=username).exists():
            return
        first, last = name.split(" ", 1)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            is_staff=True,
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=group))

    def _history(self) -> int:
        if Complaint.objects.filter(subject__startswith=MARK).exists():
            return 0
        rng = random.Random(2026)  # noqa: S311 (demo data)
        tz = zone()
        today = local_date(timezone.now())
        last_week = week_start(today) - timedelta(weeks=1)
        categories = {c.code: c for c in Category.objects.filter(code__in=SUBJECTS)}
        causes = list(RootCause.objects.order_by("position"))
        billing_cause = RootCause.objects.filter(code="process").first() or causes[0]
        customers = [
            Customer.objects.get_or_create(
                email=f"demo.musteri{i}@example.com", defaults={"name": f"Demo Müşteri {i}"}
            )[0]
            for i in range(40)
        ]
        complaints: list[Complaint] = []
        for weeks_back in range(14, 0, -1):
            monday = last_week - timedelta(weeks=weeks_back - 1)
            for code, category in categories.items():
                count = rng.randint(1, 3)
                if code == "financial" and weeks_back == 1:
                    count = 14  # the spike: a billing template went wrong
                for _n in range(count):
                    day = monday + timedelta(days=rng.randint(0, 4))
                    received = datetime.combine(
                        day, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=tz
                    )
                    closed = received + timedelta(days=rng.randint(1, 6))
                    subject, description = SUBJECTS[code]
                    customer = rng.choice(customers)
                    cause = billing_cause if code == "financial" else rng.choice(causes)
                    complaints.append(
                        Complaint(
                            tracking_number=tracking.generate(),
                            kind="complaint",
                            channel=rng.choice(["web", "email", "phone", "sms", "api"]),
                            customer=customer,
                            contact_email=customer.email,
                            subject=MARK + subject,
                            description=description,
                            category=category,
                            priority=category.default_priority,
                            stage=Stage.CLOSED,
                            received_at=received,
                            acknowledged_at=received + timedelta(hours=1),
                            classified_at=received + timedelta(hours=2),
                            decision_notified_at=closed - timedelta(hours=4),
                            closed_at=closed,
                            ack_due_at=received + timedelta(hours=8),
                            ack_met_at=received + timedelta(hours=1),
                            resolution_due_at=received + timedelta(days=3),
                            resolution_met_at=closed - timedelta(hours=4),
                            root_cause=cause,
                            root_cause_analysis="Demo",
                            solution_proposal="Demo",
                            decision="Demo",
                            customer_answer="accepted",
                            customer_answer_channel="web",
                            ack_business_seconds=3600,
                            resolution_business_seconds=rng.randint(4, 40) * 3600,
                        )
                    )
        Complaint.objects.bulk_create(complaints)
        invitations, responses = [], []
        for complaint in Complaint.objects.filter(subject__startswith=MARK).order_by("pk"):
            assert complaint.closed_at is not None
            invitations.append(
                SurveyInvitation(
                    complaint=complaint,
                    customer_id=complaint.customer_id,
                    medium="email",
                    language="tr",
                    created_at=complaint.closed_at,
                    expires_at=complaint.closed_at + timedelta(days=30),
                )
            )
        SurveyInvitation.objects.bulk_create(invitations)
        for invitation in SurveyInvitation.objects.filter(
            complaint__subject__startswith=MARK
        ).select_related("complaint"):
            if rng.random() > 0.45:
                continue
            base = 2 if invitation.complaint.category.code == "financial" else 4  # type: ignore[union-attr]
            scores = {n: max(1, min(5, base + rng.randint(-1, 1))) for n in SCORE_FIELDS}
            answered = invitation.created_at + timedelta(hours=rng.randint(1, 48))
            invitation.responded_at = answered
            invitation.save(update_fields=["responded_at"])
            responses.append(
                SurveyResponse(invitation=invitation, language="tr", created_at=answered, **scores)
            )
        SurveyResponse.objects.bulk_create(responses)
        return len(complaints)

    def _actions(self) -> int:
        if CorrectiveAction.objects.filter(title__startswith=MARK).exists():
            return 0
        manager = get_user_model().objects.filter(groups__name="Manager").order_by("pk").first()
        done = capa_open(
            title=MARK + "Bakım duyuruları SMS ile de gönderilsin",
            problem_statement="Planlı bakımlar müşterilere yalnızca web sitesinde duyuruluyordu.",
            actor=None,
            owner=manager,
            due_date=local_date(timezone.now()) - timedelta(days=40),
            categories=Category.objects.filter(code="communication"),
        )
        implemented = timezone.now() - timedelta(days=49)
        CorrectiveAction.objects.filter(pk=done.pk).update(
            status="implemented",
            action_taken="Bakım duyuru şablonu SMS kanalına eklendi.",
            implemented_at=implemented,
            effectiveness_check_date=local_date(timezone.now()) - timedelta(days=7),
        )
        CapaEvent.objects.create(
            capa=done, action="improvement.capa.implemented", to_status="implemented"
        )
        signal = RecurrenceSignal.objects.order_by("-week", "-count").first()
        if signal is not None:
            initial = capa_prefill_from_signal(signal=signal)
            capa_open(
                title=MARK + str(initial["title"]),
                problem_statement=str(initial["problem_statement"]),
                actor=None,
                owner=manager,
                due_date=local_date(timezone.now()) + timedelta(days=21),
                categories=Category.objects.filter(pk__in=initial.get("categories", [])),
                root_causes=RootCause.objects.filter(pk__in=initial.get("root_causes", [])),
                signal=signal,
            )
            return 2
        return 1
