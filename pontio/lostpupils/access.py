"""Who may reach which lost pupil record: the one door to every record.

The database is national: an LA lost pupil officer (either lost pupil role)
reaches every record not removed, whichever LA uploaded it. Nobody else reaches
any: school users can never search it (seed 002 section 4.1). A removed record
no longer exists as far as anybody can tell (404).
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.lostpupils.models import LostPupilRecord

# The audit actions an LA's administrator reviews: searches made and refused.
SEARCH_ACTIONS = ("lostpupil.searched", "lostpupil.search_refused")


def records_visible_to(user: User) -> QuerySet[LostPupilRecord]:
    """Return the records the user may find and open."""
    if not user.can(Capability.SEARCH_LOST_PUPILS):
        return LostPupilRecord.objects.none()
    return LostPupilRecord.objects.exclude(state=LostPupilRecord.State.REMOVED)


def get_record_for(user: User, code: UUID | str) -> LostPupilRecord:
    """Return a record the user may open: 403 for other roles, else 404 if none."""
    # 403, not 404: the role is refused whatever the record, so nothing leaks.
    if not user.can(Capability.SEARCH_LOST_PUPILS):
        raise PermissionDenied
    try:
        code = UUID(str(code))
    except ValueError:
        raise Http404 from None
    record = (
        records_visible_to(user)
        .select_related("school", "downloaded_by_la", "transferred_to", "transfer")
        .filter(code=code)
        .first()
    )
    if record is None:
        raise Http404
    return record


def searches_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Return the lost pupil searches the user may review, newest first.

    An LA's database administrator sees its own officers' searches; central
    administrators see every LA's.
    """
    if not user.can(Capability.AUDIT_SEARCHES):
        raise PermissionDenied
    events = AuditEvent.objects.filter(action__in=SEARCH_ACTIONS).order_by("-at")
    organisation = user.organisation
    if organisation.is_central:
        return events
    if not organisation.is_la:
        return events.none()
    return events.filter(organisation_code=organisation.code)
