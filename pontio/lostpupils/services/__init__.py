"""The Lost Pupil Database's services: every change to a record goes through here."""

from pontio.lostpupils.services.records import (
    confirm_lost_pupil_downloaded,
    open_lost_pupil_file,
    record_lost_pupil_viewed,
)
from pontio.lostpupils.services.removal import (
    expire_lost_pupil_records,
    may_remove,
    remove_lost_pupil,
)
from pontio.lostpupils.services.search import (
    SearchPausedError,
    search_lost_pupils_for,
    search_paused_until,
    searches_per_hour,
)
from pontio.lostpupils.services.transfer import (
    schools_for_transfer,
    transfer_lost_pupil,
)

__all__ = [
    "SearchPausedError",
    "confirm_lost_pupil_downloaded",
    "expire_lost_pupil_records",
    "may_remove",
    "open_lost_pupil_file",
    "record_lost_pupil_viewed",
    "remove_lost_pupil",
    "schools_for_transfer",
    "search_lost_pupils_for",
    "search_paused_until",
    "searches_per_hour",
    "transfer_lost_pupil",
]
