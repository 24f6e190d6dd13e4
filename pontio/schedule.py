"""Every periodic job Pontio runs, in one place.

The scheduler inside ``pontio worker`` enqueues each job once per period, however
many workers run: each period is claimed by one row (``ScheduledRun``) whose
(job, period) pair is unique. ``every`` runs the job once per aligned interval
(UTC); ``daily_at`` once a day, at or after that local time (Europe/London).
The task is a django-tasks task, named by its dotted path; it takes no arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of every or daily_at")


SCHEDULE: list[Job] = [
    # Finished background task results, after TASK_RESULT_RETENTION_DAYS.
    Job(
        "prune_task_results",
        "pontio.ops.housekeeping.prune_task_results",
        daily_at=time(2, 30),
    ),
    # Heartbeats of stopped workers and old schedule claims.
    Job(
        "prune_worker_records",
        "pontio.ops.housekeeping.prune_worker_records",
        every=timedelta(hours=1),
    ),
]
