"""Worker heartbeats: each ``pontio worker`` says it is alive every few seconds."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.utils import timezone

from pontio.audit.models import WorkerHeartbeat

HEARTBEAT_INTERVAL = timedelta(seconds=5)
# /healthz fails when no worker has been seen for this long.
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)


def _now() -> datetime:
    return timezone.now()


def record_heartbeat(worker_id: str, *, started_at: datetime) -> None:
    """Record that the worker ``worker_id`` is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "seen_at": _now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
        },
    )


def forget_worker(worker_id: str) -> None:
    """Remove a stopping worker's heartbeat."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def last_seen() -> datetime | None:
    """Return when any worker was last seen alive, or None."""
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    return latest.seen_at if latest else None


def worker_alive() -> bool:
    """Tell whether some worker has been seen recently."""
    seen = last_seen()
    return seen is not None and _now() - seen <= HEARTBEAT_STALE_AFTER
