"""The checks behind ``/healthz``: database, storage and worker."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from pontio.audit.models import AuditHead
from pontio.ops import heartbeat

logger = logging.getLogger("pontio.health")

PROBE_DIRECTORY = "healthz"
PROBE_CONTENT = b"pontio health probe\n"


def check_database() -> bool:
    """Run a query on one of Pontio's own tables."""
    AuditHead.objects.filter(pk=1).exists()
    return True


def check_storage() -> bool:
    """Write, read back and delete a small probe file in the default storage."""
    name = default_storage.save(
        f"{PROBE_DIRECTORY}/{uuid.uuid4().hex}.probe", ContentFile(PROBE_CONTENT)
    )
    try:
        with default_storage.open(name, "rb") as probe:
            return bool(probe.read() == PROBE_CONTENT)
    finally:
        default_storage.delete(name)


def check_worker() -> bool:
    """Tell whether a worker has sent a heartbeat recently."""
    return heartbeat.worker_alive()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": check_database,
    "storage": check_storage,
    "worker": check_worker,
}


def run_checks() -> dict[str, str]:
    """Run every check; each is ``ok`` or ``fail``, never an error's details."""
    results = {}
    for name, check in CHECKS.items():
        try:
            # A savepoint, so that one failed query does not poison the others.
            with transaction.atomic():
                passed = check()
        except Exception:
            logger.exception("health check %s failed", name)
            passed = False
        results[name] = "ok" if passed else "fail"
    return results
