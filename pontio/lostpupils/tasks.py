"""Background work of the Lost Pupil Database: the misuse alert and ageing out.

Each task takes ids (or nothing, for the periodic job in ``pontio/schedule.py``)
and calls a service; each is safe to run twice. The services are imported when
a task runs, since the search service itself enqueues the alert.
"""

from __future__ import annotations

from django_tasks import task


@task()
def alert_search_limit(user_id: int) -> int:
    """E-mail the LA's and the central administrators: searches were paused."""
    from pontio.lostpupils.services import alerts

    return alerts.send_search_limit_alert(user_id)


@task()
def expire_lost_pupil_records() -> int:
    """Daily: remove the records of pupils past compulsory school age."""
    from pontio.lostpupils.services import removal

    return removal.expire_lost_pupil_records()
