"""Enqueue the periodic jobs of ``pontio.schedule`` once per period.

Every worker runs this every few seconds. A job's period is claimed by inserting
its ``ScheduledRun`` row; the unique (job, period) pair lets exactly one insert
win, in whichever process, and the task is enqueued in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pontio.audit.models import ScheduledRun
from pontio.schedule import SCHEDULE, Job

logger = logging.getLogger("pontio.scheduler")


def _now() -> datetime:
    return timezone.now()


def current_period(job: Job, now: datetime) -> str | None:
    """Name the period ``now`` falls in, or None when a daily job is not yet due."""
    if job.every is not None:
        seconds = int(job.every.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return datetime.fromtimestamp(start, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert job.daily_at is not None  # noqa: S101 (Job checks one is set)
    local = timezone.localtime(now)
    if local.time() < job.daily_at:
        return None
    if job.weekday is not None:
        if local.weekday() != job.weekday:
            return None
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def run_due_jobs(worker_id: str, *, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period nobody has claimed; return their names."""
    now = now or _now()
    enqueued = []
    for job in SCHEDULE:
        period = current_period(job, now)
        if period is not None and claim_and_enqueue(job, period, worker_id, now):
            enqueued.append(job.name)
    return enqueued


@transaction.atomic
def claim_and_enqueue(job: Job, period: str, worker_id: str, now: datetime) -> bool:
    """Claim ``job`` for ``period`` and enqueue its task; False if already claimed."""
    if ScheduledRun.objects.filter(job=job.name, period=period).exists():
        return False
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                job=job.name, period=period, claimed_at=now, worker_id=worker_id
            )
    except IntegrityError:
        return False  # another worker claimed it a moment ago
    result = import_string(job.task).enqueue()
    ScheduledRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id))
    logger.info("enqueued %s for %s", job.name, period)
    return True
