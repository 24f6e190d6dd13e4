"""The scheduler: each periodic job once per period, whoever asks."""

from datetime import UTC, datetime, time, timedelta

import time_machine
from django.test import TestCase
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from pontio.audit.models import ScheduledRun, WorkerHeartbeat
from pontio.ops import housekeeping, scheduler
from pontio.schedule import SCHEDULE, Job
from tests.base import run_tasks

# 10:15 in London in summer (BST): 09:15 UTC.
SUMMER_MORNING = datetime(2026, 7, 1, 9, 15, tzinfo=UTC)


class ScheduleTests(TestCase):
    def test_every_job_names_a_task_that_exists(self) -> None:
        for job in SCHEDULE:
            with self.subTest(job=job.name):
                self.assertTrue(callable(import_string(job.task).enqueue))

    def test_job_names_are_unique(self) -> None:
        names = [job.name for job in SCHEDULE]
        self.assertEqual(len(names), len(set(names)))

    def test_a_job_needs_exactly_one_timing(self) -> None:
        with self.assertRaises(ValueError):
            Job("both", "x.y", every=timedelta(hours=1), daily_at=time(1, 0))
        with self.assertRaises(ValueError):
            Job("neither", "x.y")


class PeriodTests(TestCase):
    def test_an_interval_job_has_aligned_periods(self) -> None:
        job = Job("j", "x.y", every=timedelta(hours=1))
        self.assertEqual(
            scheduler.current_period(job, SUMMER_MORNING), "2026-07-01T09:00:00Z"
        )
        later = SUMMER_MORNING + timedelta(minutes=44)
        self.assertEqual(scheduler.current_period(job, later), "2026-07-01T09:00:00Z")
        next_hour = SUMMER_MORNING + timedelta(minutes=45)
        self.assertEqual(
            scheduler.current_period(job, next_hour), "2026-07-01T10:00:00Z"
        )

    def test_a_weekly_job_runs_on_its_day_once_a_week(self) -> None:
        job = Job("j", "x.y", daily_at=time(7, 0), weekday=0)
        wednesday = SUMMER_MORNING
        monday = wednesday + timedelta(days=5)
        self.assertIsNone(scheduler.current_period(job, wednesday))
        self.assertEqual(scheduler.current_period(job, monday), "2026-W28")
        self.assertEqual(
            scheduler.current_period(job, monday + timedelta(hours=8)), "2026-W28"
        )
        self.assertEqual(
            scheduler.current_period(job, monday + timedelta(days=7)), "2026-W29"
        )

    def test_a_daily_job_waits_for_its_local_time(self) -> None:
        job = Job("j", "x.y", daily_at=time(10, 30))
        self.assertIsNone(scheduler.current_period(job, SUMMER_MORNING))
        at_ten_thirty_bst = SUMMER_MORNING + timedelta(minutes=15)
        self.assertEqual(scheduler.current_period(job, at_ten_thirty_bst), "2026-07-01")


def _due_at(now: datetime) -> list[str]:
    return sorted(
        job.name for job in SCHEDULE if scheduler.current_period(job, now) is not None
    )


class ClaimTests(TestCase):
    def test_enqueues_each_job_once_per_period_across_workers(self) -> None:
        first = scheduler.run_due_jobs("worker-a", now=SUMMER_MORNING)
        second = scheduler.run_due_jobs("worker-b", now=SUMMER_MORNING)
        third = scheduler.run_due_jobs(
            "worker-a", now=SUMMER_MORNING + timedelta(minutes=1)
        )
        due = _due_at(SUMMER_MORNING)
        self.assertEqual(sorted(first), due)
        self.assertEqual(second, [])
        self.assertEqual(third, [])
        self.assertEqual(DBTaskResult.objects.count(), len(due))
        runs = ScheduledRun.objects.all()
        self.assertEqual({run.worker_id for run in runs}, {"worker-a"})
        self.assertTrue(all(run.task_result_id for run in runs))

    def test_enqueues_again_in_the_next_period(self) -> None:
        scheduler.run_due_jobs("worker-a", now=SUMMER_MORNING)
        tomorrow = SUMMER_MORNING + timedelta(days=1)
        next_day = scheduler.run_due_jobs("worker-b", now=tomorrow)
        self.assertEqual(sorted(next_day), _due_at(tomorrow))

    def test_a_claim_already_taken_is_not_taken_again(self) -> None:
        job = SCHEDULE[0]
        ScheduledRun.objects.create(
            job=job.name, period="p1", claimed_at=SUMMER_MORNING, worker_id="other"
        )
        self.assertFalse(
            scheduler.claim_and_enqueue(job, "p1", "worker-a", SUMMER_MORNING)
        )
        self.assertEqual(DBTaskResult.objects.count(), 0)


class HousekeepingTests(TestCase):
    def test_prunes_old_finished_tasks_and_worker_records(self) -> None:

        long_ago = timezone.now() - timedelta(days=40)
        with time_machine.travel(long_ago, tick=False):
            housekeeping.prune_worker_records.enqueue()
            run_tasks()
            WorkerHeartbeat.objects.create(
                worker_id="old", started_at=long_ago, seen_at=long_ago
            )
            ScheduledRun.objects.create(
                job="j", period="old", claimed_at=long_ago, worker_id="old"
            )
        WorkerHeartbeat.objects.create(
            worker_id="new", started_at=timezone.now(), seen_at=timezone.now()
        )
        housekeeping.prune_task_results.enqueue()
        housekeeping.prune_worker_records.enqueue()
        run_tasks()
        self.assertEqual(
            list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)), ["new"]
        )
        self.assertFalse(ScheduledRun.objects.filter(period="old").exists())
        # The old finished task went; the two just run remain.
        self.assertEqual(DBTaskResult.objects.count(), 2)
