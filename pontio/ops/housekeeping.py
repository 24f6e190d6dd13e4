"""Housekeeping tasks (scheduled in ``pontio/schedule.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import ScheduledRun, WorkerHeartbeat

TASK_RESULT_RETENTION = timedelta(days=30)
SCHEDULED_RUN_RETENTION = timedelta(days=30)
HEARTBEAT_RETENTION = timedelta(days=1)


def _now() -> datetime:
    return timezone.now()


@task()
def prune_task_results() -> int:
    """Delete finished task results older than the retention period."""
    cutoff = _now() - TASK_RESULT_RETENTION
    deleted, _by_model = (
        DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    )
    return deleted


@task()
def prune_worker_records() -> int:
    """Delete stopped workers' heartbeats and old schedule claims."""
    now = _now()
    heartbeats, _ = WorkerHeartbeat.objects.filter(
        seen_at__lt=now - HEARTBEAT_RETENTION
    ).delete()
    runs, _ = ScheduledRun.objects.filter(
        claimed_at__lt=now - SCHEDULED_RUN_RETENTION
    ).delete()
    return heartbeats + runs
