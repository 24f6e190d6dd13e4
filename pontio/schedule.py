"""Every periodic job Pontio runs, in one place.

The scheduler inside ``pontio worker`` enqueues each job once per period, however
many workers run: each period is claimed by one row (``ScheduledRun``) whose
(job, period) pair is unique. ``every`` runs the job once per aligned interval
(UTC); ``daily_at`` once a day, at or after that local time (Europe/London), or,
with ``weekday`` (0 is Monday), once a week on that day.
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
    weekday: int | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of every or daily_at")
        if self.weekday is not None and self.daily_at is None:
            raise ValueError(f"{self.name}: a weekday needs a daily_at time")


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
    # Transfer hub: remind recipients of files not yet downloaded (seed 002 s. 4.2).
    Job(
        "transfer_weekly_digests",
        "pontio.transfers.tasks.send_weekly_digests",
        daily_at=time(7, 0),
        weekday=0,
    ),
    # Tell the destination's LA of files uncollected after 15 school days.
    Job(
        "transfer_overdue_notices",
        "pontio.transfers.tasks.notify_overdue_transfers",
        daily_at=time(7, 30),
    ),
    # Delete collected files past retention, with the destruction log.
    Job(
        "transfer_retention",
        "pontio.transfers.tasks.apply_retention",
        daily_at=time(1, 30),
    ),
    # Encrypted files left by uploads that never committed.
    Job(
        "remove_orphan_blobs",
        "pontio.transfers.tasks.remove_orphan_blobs",
        every=timedelta(hours=1),
    ),
    # Secure messages: unread after 31 days, read after 14 days (seed 002 s. 6.1).
    Job(
        "expire_messages",
        "pontio.messaging.tasks.expire_messages",
        daily_at=time(3, 0),
    ),
    # Lost Pupil Database: remove records of pupils past compulsory school age.
    Job(
        "lost_pupil_ageing_out",
        "pontio.lostpupils.tasks.expire_lost_pupil_records",
        daily_at=time(2, 0),
    ),
]
