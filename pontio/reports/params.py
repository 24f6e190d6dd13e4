"""What a report is run for: a date range, the LAs in scope and the choices made.

A date range is of whole days in Pontio's time zone (seed 002 section 7): a
blank "from" means from the beginning, and "to" (today when blank) includes the
whole of its last day, up to 23:59:59.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from pontio.directory.models import Organisation

# Seed 002 section 7.5: missing pupils (XXXXXXX), pupils leaving the maintained
# sector (MMMMMMM), or both.
LOST_KINDS = ("missing", "left_sector", "both")


def today() -> datetime.date:
    """Return today's date where Pontio runs."""
    return timezone.localdate()


def _midnight(day: datetime.date) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(naive, timezone.get_current_timezone())


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` (None: the beginning) to ``end``, both included."""

    start: datetime.date | None
    end: datetime.date

    @property
    def starts_at(self) -> datetime.datetime | None:
        return _midnight(self.start) if self.start else None

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the range: midnight after its last day."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def lookup(self, field: str) -> dict[str, datetime.datetime]:
        """Return the ORM filter keeping ``field`` inside the range."""
        bounds = {f"{field}__lt": self.ends_before}
        if self.starts_at is not None:
            bounds[f"{field}__gte"] = self.starts_at
        return bounds


@dataclass(frozen=True)
class Params:
    """Everything a report's query needs, already checked against its user."""

    period: Period
    # The LAs whose data the report covers (for the cluster report, the cluster).
    las: tuple[Organisation, ...]
    all_wales: bool = False
    school: Organisation | None = None
    lost_kind: str = "both"
    downloaded_only: bool = False

    @property
    def la_ids(self) -> list[int]:
        return [la.pk for la in self.las]

    @property
    def la_codes(self) -> list[str]:
        return [la.code for la in self.las]
