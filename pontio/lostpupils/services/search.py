"""Searching the Lost Pupil Database, with every search audited and rate limited.

An ICO investigation found a national pupil index searched 22,000 times for an
unrelated purpose, unnoticed. So every search is written to the audit trail with
its criteria, and a user may search at most ``LOST_PUPIL_SEARCHES_PER_HOUR``
times (60) in any hour: beyond that searching pauses, and the user's LA
administrators and the central administrators are told once. The count is taken
from the audit trail itself, so it holds across processes and servers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.lostpupils import tasks
from pontio.lostpupils.models import LostPupilRecord, LostPupilSearchAlert
from pontio.lostpupils.queries import (
    LostPupilCriteria,
    LostPupilResults,
    search_lost_pupils,
)

SEARCH_ACTION = "lostpupil.searched"
SEARCHES_PER_HOUR = 60
RATE_WINDOW = timedelta(hours=1)


def _now() -> datetime:
    return timezone.now()


class SearchPausedError(ValidationError):
    """The user has reached the search limit; ``until`` is when it lifts."""

    def __init__(self, until: datetime) -> None:
        super().__init__(
            _(
                "You have made %(limit)s searches in the last hour, the most "
                "allowed. You can search again after %(time)s."
            ),
            code="search_rate_limited",
            params={
                "limit": searches_per_hour(),
                "time": time_format(timezone.localtime(until), "H:i"),
            },
        )
        self.until = until


def searches_per_hour() -> int:
    """Return how many searches a user may make in any hour."""
    return int(getattr(settings, "LOST_PUPIL_SEARCHES_PER_HOUR", SEARCHES_PER_HOUR))


def search_paused_until(user: User) -> datetime | None:
    """Return when the user may search again, or None if they may search now."""
    limit = searches_per_hour()
    recent = list(
        AuditEvent.objects.filter(
            actor_id=user.pk, action=SEARCH_ACTION, at__gt=_now() - RATE_WINDOW
        )
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    # The limit-th newest search leaving the window makes room for one more.
    return recent[limit - 1] + RATE_WINDOW


def criteria_details(
    criteria: LostPupilCriteria, *, include_resolved: bool, sort: str
) -> dict[str, Any]:
    """The search's criteria as audit details (blank ones left out)."""
    details: dict[str, Any] = {
        "upn": criteria.upn.strip(),
        "surname": criteria.surname.strip(),
        "match": "exact" if criteria.surname_begins else "soundalike",
        "forename": criteria.forename.strip(),
        "dob": criteria.date_of_birth.isoformat() if criteria.date_of_birth else "",
        "sex": criteria.sex.strip(),
        "town": criteria.town.strip(),
    }
    details = {key: value for key, value in details.items() if value}
    return {**details, "include_resolved": include_resolved, "sort": sort}


def search_lost_pupils_for(
    criteria: LostPupilCriteria,
    *,
    actor: User,
    include_resolved: bool = False,
    sort: str = "surname",
    request: HttpRequest | None = None,
) -> LostPupilResults:
    """Search the national database for an LA lost pupil officer, audited.

    Raise ``SearchPausedError`` once the user has reached the hourly limit.
    """
    if not actor.can(Capability.SEARCH_LOST_PUPILS):
        raise PermissionDenied
    details = criteria_details(criteria, include_resolved=include_resolved, sort=sort)
    with transaction.atomic():
        until = search_paused_until(actor)
        if until is None:
            results = search_lost_pupils(
                criteria, include_resolved=include_resolved, sort=sort
            )
            results = _without_removed(results)
            audit.record(
                SEARCH_ACTION,
                actor=actor,
                request=request,
                results=len(results.matches),
                **details,
            )
            return results
        _record_pause(actor, until, request=request, details=details)
    raise SearchPausedError(until)


def _without_removed(results: LostPupilResults) -> LostPupilResults:
    """Drop removed records: their file is gone, they are no longer searchable."""
    removed = LostPupilRecord.State.REMOVED
    kept = [match for match in results.matches if match.record.state != removed]
    return replace(results, matches=kept)


def _record_pause(
    actor: User,
    until: datetime,
    *,
    request: HttpRequest | None,
    details: dict[str, Any],
) -> None:
    audit.record(
        "lostpupil.search_refused",
        actor=actor,
        outcome="failure",
        request=request,
        code="search_rate_limited",
        **details,
    )
    if _claim_alert(actor):
        tasks.alert_search_limit.enqueue(user_id=actor.pk)


def _claim_alert(actor: User) -> bool:
    """Claim the one alert of this pause; False if it was already sent."""
    now = _now()
    if LostPupilSearchAlert.objects.filter(
        user=actor, created_at__gt=now - RATE_WINDOW
    ).exists():
        return False
    hour = now.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            LostPupilSearchAlert.objects.create(user=actor, hour=hour, created_at=now)
    except IntegrityError:
        return False
    return True
