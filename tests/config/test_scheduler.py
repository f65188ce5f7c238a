"""The periodic jobs in-process (make run without Redis): the beat schedule's
jobs, each run when due, twice without harm, a failure logged and survived."""

from __future__ import annotations

import io
import logging
import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from complaints.models import ComplaintEvent
from config.celery import app as celery_app
from config.scheduler import InProcessScheduler, job_run, jobs_from_settings
from tests.factories import make_complaint


def test_the_jobs_are_the_beat_schedule(settings):
    jobs = {job.name: job for job in jobs_from_settings()}
    assert set(jobs) == set(settings.CELERY_BEAT_SCHEDULE)
    assert jobs["sla-sweep"].task == "sla.tasks.sla_sweep"
    assert getattr(jobs["sla-sweep"].every, "run_every", None) == timedelta(seconds=60)


def test_a_job_is_due_at_once_then_after_its_period():
    job = jobs_from_settings({"j": {"task": "sla.tasks.sla_sweep", "schedule": 30.0}})[0]
    now = celery_app.now()
    assert job.due_in(now) == 0
    job.last_run_at = now
    assert 25 < job.due_in(now) <= 30


def test_a_crontab_schedule_is_understood():
    job = jobs_from_settings({"j": {"task": "sla.tasks.sla_sweep", "schedule": crontab()}})[0]
    job.last_run_at = celery_app.now()
    assert 0 <= job.due_in(celery_app.now()) <= 60


@pytest.mark.django_db
def test_the_sla_sweep_job_records_an_event_once_when_run_twice():
    complaint = make_complaint()
    past = timezone.now() - timedelta(minutes=5)
    type(complaint).objects.filter(pk=complaint.pk).update(
        ack_at_risk_after=past, ack_due_at=timezone.now() + timedelta(hours=1)
    )
    job = next(j for j in jobs_from_settings() if j.name == "sla-sweep")
    job_run(job)
    job_run(job)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="sla.ack.at_risk").count() == 1


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_not_raised(caplog):
    job = jobs_from_settings({"broken": {"task": "no.such.task", "schedule": 60}})[0]
    with caplog.at_level(logging.ERROR, logger="config.scheduler"):
        assert job_run(job) is None
    assert "periodic job broken (no.such.task) failed" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduler_thread_runs_due_jobs_and_stops():
    jobs = jobs_from_settings(
        {"requeue": {"task": "notifications.tasks.notifications_requeue_pending", "schedule": 60}}
    )
    scheduler = InProcessScheduler(jobs)
    scheduler.start()
    deadline = time.monotonic() + 10
    while jobs[0].last_run_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    scheduler.join(timeout=10)
    assert jobs[0].last_run_at is not None
    assert not scheduler.is_alive()


def test_run_dev_prints_the_jobs_the_outbox_and_the_demo_logins_last(settings):
    from complaints.management.commands.demo_data import DEMO_USERS
    from complaints.management.commands.run_dev import Command

    settings.NOTIFICATIONS_DEV_OUTBOX_DIR = "/srv/sikayet/var/outbox"
    out = io.StringIO()
    command = Command(stdout=out)
    command.addr, command.port, command._raw_ipv6, command.protocol = (
        "127.0.0.1",
        "8000",
        False,
        "http",
    )
    command.scheduler = InProcessScheduler(jobs_from_settings())
    command.scheduler.start = lambda: None  # type: ignore[method-assign]
    command.on_bind(8000)
    lines = out.getvalue().rstrip().splitlines()
    assert "Starting development server at http://127.0.0.1:8000/" in out.getvalue()
    assert any(
        line.startswith("Periodic jobs in-process: sla-sweep (every 60 s)") for line in lines
    )
    assert "Notices (e-mail .eml, SMS .txt) are written to /srv/sikayet/var/outbox/" in lines
    assert lines[-len(DEMO_USERS) :] == [
        f"  {group or 'superuser':<15} {username:<10} / {password}"
        for username, password, group, _name in DEMO_USERS
    ]
