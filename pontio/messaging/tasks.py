"""Background work of secure messaging: e-mail notices and the daily expiry.

Each task takes ids, calls a service and is safe to run twice. The daily job
``expire_messages`` is listed in ``pontio/schedule.py``.
"""

from __future__ import annotations

from django_tasks import task

from pontio.messaging.services import expiry, notices


@task()
def notify_recipients(message_id: int) -> int:
    """E-mail each recipient of a new message that it waits for them."""
    return notices.notify_recipients(message_id)


@task()
def expire_messages() -> int:
    """Daily: delete messages past their time (31 days unread, 14 days read)."""
    return expiry.expire_messages()
