"""Background work of the transfer hub: e-mails and the periodic jobs.

Each task takes ids, loads the rows and calls a service; each is safe to run
twice. The periodic jobs (no arguments) are listed in ``pontio/schedule.py``.
"""

from __future__ import annotations

from django_tasks import task

from pontio.transfers import housekeeping
from pontio.transfers.services import notify, retention


@task()
def notify_upload(transfer_id: int, forwarded: bool = False) -> int:
    """E-mail the destination, the sender and the LAs about a new file."""
    return notify.notify_upload(transfer_id, forwarded=forwarded)


@task()
def notify_collected(transfer_id: int) -> int:
    """E-mail the sender that the file was downloaded."""
    return notify.notify_collected(transfer_id)


@task()
def notify_rejected(transfer_id: int) -> int:
    """E-mail the sender that the file was rejected."""
    return notify.notify_rejected(transfer_id)


@task()
def send_weekly_digests() -> int:
    """Weekly: one reminder per recipient of the files not yet downloaded."""
    return notify.send_weekly_digests()


@task()
def notify_overdue_transfers() -> int:
    """Daily: tell LAs of files uncollected for 15 school days."""
    return notify.notify_overdue()


@task()
def apply_retention() -> int:
    """Daily: delete collected files past their retention period."""
    return retention.apply_retention()


@task()
def remove_orphan_blobs() -> int:
    """Hourly: delete stored files whose upload never committed."""
    return housekeeping.remove_orphan_blobs()
