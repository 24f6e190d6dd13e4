"""The transfer hub's settings, each with its embedded default.

Read when used, never at import time, so tests and deployments may override
them in ``pontio/settings.py`` or with ``override_settings``:

- ``TRANSFER_MAX_SCHOOL_UPLOAD_BYTES``: the largest file a school may send
  (4 MB, the s2s limit).
- ``TRANSFER_MAX_LA_UPLOAD_BYTES``: the largest file an LA may send (10 MB).
- ``TRANSFER_RETENTION_DAYS``: days a collected file is kept after its first
  download before it is deleted (60).
- ``TRANSFER_OVERDUE_SCHOOL_DAYS``: school days a file may wait uncollected
  before the destination's LA is told (15, the statutory duty). School days are
  counted as weekdays: Pontio does not know each LA's school holidays.
- ``TRANSFER_ZIP_MAX_MEMBERS``: the most files a generic zip may hold (1,000).
- ``TRANSFER_ZIP_MAX_UNCOMPRESSED_BYTES``: the most a generic zip may expand to
  (200 MB): beyond that it is treated as a zip bomb.
"""

from __future__ import annotations

from django.conf import settings

MEGABYTE = 1024 * 1024
MAX_SCHOOL_UPLOAD_BYTES = 4 * MEGABYTE
MAX_LA_UPLOAD_BYTES = 10 * MEGABYTE
RETENTION_DAYS = 60
OVERDUE_SCHOOL_DAYS = 15
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNCOMPRESSED_BYTES = 200 * MEGABYTE


def max_school_upload_bytes() -> int:
    return int(
        getattr(settings, "TRANSFER_MAX_SCHOOL_UPLOAD_BYTES", MAX_SCHOOL_UPLOAD_BYTES)
    )


def max_la_upload_bytes() -> int:
    return int(getattr(settings, "TRANSFER_MAX_LA_UPLOAD_BYTES", MAX_LA_UPLOAD_BYTES))


def retention_days() -> int:
    return int(getattr(settings, "TRANSFER_RETENTION_DAYS", RETENTION_DAYS))


def overdue_school_days() -> int:
    return int(getattr(settings, "TRANSFER_OVERDUE_SCHOOL_DAYS", OVERDUE_SCHOOL_DAYS))


def zip_max_members() -> int:
    return int(getattr(settings, "TRANSFER_ZIP_MAX_MEMBERS", ZIP_MAX_MEMBERS))


def zip_max_uncompressed_bytes() -> int:
    return int(
        getattr(
            settings, "TRANSFER_ZIP_MAX_UNCOMPRESSED_BYTES", ZIP_MAX_UNCOMPRESSED_BYTES
        )
    )
