"""``pontio worker``: the task worker, the scheduler and the heartbeat together.

The django-tasks-db worker runs tasks in the main thread. A second thread sends the
heartbeat and enqueues due periodic jobs every few seconds. SIGINT and SIGTERM
finish the running task, stop both and remove the heartbeat.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import datetime
from types import FrameType

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from pontio.ops import heartbeat, scheduler

logger = logging.getLogger("pontio.worker")

MAX_WORKER_ID_CHARS = 64
STOP_TIMEOUT_SECONDS = 30


def new_worker_id() -> str:
    """A unique, readable id: host, process and a random suffix."""
    suffix = f"-{os.getpid()}-{get_random_string(8)}"
    return socket.gethostname()[: MAX_WORKER_ID_CHARS - len(suffix)] + suffix


class TaskWorker(Worker):
    """django-tasks-db's worker, which also stops the scheduler thread."""

    def __init__(self, *, stop: threading.Event, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.stop = stop

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        self.stop.set()
        super().shutdown(signum, frame)


class SchedulerThread(threading.Thread):
    """Heartbeat and periodic jobs, every ``HEARTBEAT_INTERVAL``."""

    def __init__(
        self, worker_id: str, stop: threading.Event, parent_pid: int | None
    ) -> None:
        super().__init__(name="pontio-scheduler", daemon=True)
        self.worker_id = worker_id
        self.stop = stop
        self.parent_pid = parent_pid
        self.started_at: datetime = timezone.now()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.tick()
                self.stop.wait(heartbeat.HEARTBEAT_INTERVAL.total_seconds())
        finally:
            connection.close()

    def tick(self) -> None:
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            # The process that started us (``pontio serve``) is gone: stop too.
            logger.warning("parent process gone; stopping")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        close_old_connections()
        try:
            heartbeat.record_heartbeat(self.worker_id, started_at=self.started_at)
            scheduler.run_due_jobs(self.worker_id)
        except DatabaseError:
            # A locked or unreachable database: try again at the next tick.
            logger.exception("scheduler tick failed")


def run_worker(
    *, worker_id: str, interval: float = 1.0, parent_pid: int | None = None
) -> None:
    """Run tasks and the schedule until SIGINT or SIGTERM."""
    stop = threading.Event()
    worker = TaskWorker(
        stop=stop,
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    thread = SchedulerThread(worker_id, stop, parent_pid)
    worker.configure_signals()
    thread.start()
    logger.info("worker %s started", worker_id)
    try:
        worker.run()
    finally:
        stop.set()
        # The stopping signal can cut the task worker short inside a transaction
        # (on SQLite an exclusive one): closing its connection ends it and frees the
        # lock, and the heartbeat is removed on a fresh connection, in autocommit.
        connection.close()
        thread.join(STOP_TIMEOUT_SECONDS)
        forgetter = threading.Thread(target=_forget_worker, args=(worker_id,))
        forgetter.start()
        forgetter.join(STOP_TIMEOUT_SECONDS)
        logger.info("worker %s stopped", worker_id)


def _forget_worker(worker_id: str) -> None:
    try:
        heartbeat.forget_worker(worker_id)
    except DatabaseError:
        logger.exception("could not remove the heartbeat of %s", worker_id)
    finally:
        connection.close()
