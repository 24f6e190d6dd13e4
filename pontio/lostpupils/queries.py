"""Searching the Lost Pupil Database (read only).

The criteria are those of seed 002 section 4.1: UPN (which also matches former
UPNs), town, surname, date of birth, forename and sex. With "surname begins" the
names are matched by exact prefix (ignoring case and diacritics); without it, by
soundalike (``pontio/lostpupils/phonetic.py``), closest first. A surname matches
the pupil's surname or former surname. Every step is an indexed lookup:

1. the known spellings filed under the query's soundalike keys, from the small
   ``LostPupilSpelling`` table (``_accepted_spellings``);
2. each spelling scored in Python, and those that are no match dropped;
3. the records with an accepted spelling and the other criteria, best score
   first, at most ``SEARCH_RESULTS_LIMIT`` of them (``ranking.fetch_ranked``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pontio.lostpupils.models import LostPupilRecord, LostPupilSpelling
from pontio.lostpupils.phonetic import SoundalikeQuery, normalise_name
from pontio.lostpupils.ranking import (
    SCORE_SCALE,
    SEPARATE_TIERS,
    Tier,
    fetch_ranked,
    soundalike_tiers,
)

SEARCH_RESULTS_LIMIT = 200
# The sort choices (seed 002 section 4.1: "sort by any field"), each with its
# tie-breakers. Soundalike results are ranked closest first, then by these.
SORT_ORDERS: dict[str, tuple[str, ...]] = {
    "surname": ("surname_norm", "forename_norm", "date_of_birth"),
    "forename": ("forename_norm", "surname_norm", "date_of_birth"),
    "date_of_birth": ("date_of_birth", "surname_norm", "forename_norm"),
    "sex": ("sex", "surname_norm", "forename_norm"),
    "town": ("town_norm", "surname_norm", "forename_norm"),
    "upn": ("upn",),
    "uploaded_at": ("-uploaded_at",),
    "la": ("la_code", "surname_norm", "forename_norm"),
    "school": ("school__code", "surname_norm", "forename_norm"),
}


@dataclass(frozen=True)
class LostPupilCriteria:
    """What a searcher knows about the pupil; blank fields are not used."""

    upn: str = ""
    surname: str = ""
    surname_begins: bool = False
    forename: str = ""
    date_of_birth: datetime.date | None = None
    sex: str = ""
    town: str = ""

    @property
    def is_empty(self) -> bool:
        values = (getattr(self, field.name) for field in fields(self))
        return not any(
            value.strip() if isinstance(value, str) else value
            for value in values
            if not isinstance(value, bool)
        )


@dataclass(frozen=True)
class LostPupilMatch:
    record: LostPupilRecord
    # 1 for an exact match; lower for a soundalike, by closeness of spelling.
    score: float


@dataclass(frozen=True)
class LostPupilResults:
    matches: list[LostPupilMatch]
    # More records matched than were returned: the searcher should narrow it.
    has_more: bool


def search_lost_pupils(
    criteria: LostPupilCriteria,
    *,
    include_resolved: bool = False,
    sort: str = "surname",
    limit: int = SEARCH_RESULTS_LIMIT,
) -> LostPupilResults:
    """Find lost pupils across every LA, closest first; resolved ones on request."""
    if criteria.is_empty:
        raise ValidationError(
            _("Enter at least one detail of the pupil."), code="no_criteria"
        )
    if sort not in SORT_ORDERS:
        raise ValidationError(
            _("Choose a field to sort by."), code="unknown_sort", params={"sort": sort}
        )
    records = LostPupilRecord.objects.select_related("school")
    if not include_resolved:
        records = records.filter(state=LostPupilRecord.State.OPEN)
    records = records.filter(_exact_filters(criteria))
    forename, surname = criteria.forename.strip(), criteria.surname.strip()
    fields = int(bool(surname)) + int(bool(forename) and not criteria.surname_begins)
    forename_scores: dict[str, int] | None = None
    if forename and criteria.surname_begins:
        records = records.filter(_prefix("forename_norm", normalise_name(forename)))
    elif forename:
        forename_scores = _accepted_spellings(
            LostPupilSpelling.Field.FORENAME, forename
        )
        records = records.filter(forename_norm__in=sorted(forename_scores))
    if not surname:
        tiers = [Tier((Q(),), {}, base=0)]
    elif criteria.surname_begins:
        tiers = [_prefix_tier(normalise_name(surname))]
    else:
        accepted = _accepted_spellings(LostPupilSpelling.Field.SURNAME, surname)
        selective = bool(criteria.upn or criteria.date_of_birth or forename)
        tiers = soundalike_tiers(accepted, 1 if selective else SEPARATE_TIERS)
    found = fetch_ranked(records, tiers, forename_scores, SORT_ORDERS[sort], limit + 1)
    scale = SCORE_SCALE * max(fields, 1)
    matches = [
        LostPupilMatch(record, (rank if fields else scale) / scale)
        for record, rank in found
    ]
    return LostPupilResults(matches=matches[:limit], has_more=len(matches) > limit)


def _prefix_tier(prefix: str) -> Tier:
    """ "Surname begins": the surname, or else the former surname."""
    surname = _prefix("surname_norm", prefix)
    former = _prefix("former_surname_norm", prefix) & ~surname
    return Tier((surname, former), {}, base=SCORE_SCALE)


def _exact_filters(criteria: LostPupilCriteria) -> Q:
    condition = Q()
    upn = "".join(criteria.upn.split()).upper()
    if upn:
        condition &= Q(upn=upn) | Q(former_upn=upn)
    if criteria.date_of_birth:
        condition &= Q(date_of_birth=criteria.date_of_birth)
    sex = criteria.sex.strip().upper()
    if sex:
        condition &= Q(sex=sex)
    if criteria.town.strip():
        condition &= _prefix("town_norm", normalise_name(criteria.town))
    return condition


def _prefix(column: str, prefix: str) -> Q:
    """Values of a normalised column that begin with ``prefix``, as an index range.

    ``startswith`` alone is a LIKE, which an ordinary index cannot serve on
    PostgreSQL (outside the C locale) nor on SQLite (LIKE ignores case there).
    """
    if not prefix:
        return Q(pk__in=[])
    condition = Q(**{f"{column}__startswith": prefix, f"{column}__gte": prefix})
    stem = prefix.rstrip("z")
    if stem and "a" <= stem[-1] <= "y":
        condition &= Q(**{f"{column}__lt": stem[:-1] + chr(ord(stem[-1]) + 1)})
    return condition


def _accepted_spellings(field: str, name: str) -> dict[str, int]:
    """Each known spelling that is a soundalike of ``name``, with its score."""
    query = SoundalikeQuery(name)
    keys = sorted(query.lookup_keys)
    if not keys:
        return {}
    spellings = LostPupilSpelling.objects.filter(field=field).filter(
        Q(key1__in=keys) | Q(key2__in=keys) | Q(key3__in=keys)
    )
    accepted = {}
    rows = spellings.values_list("spelling", "key1", "key2", "key3")
    for spelling, *keys in rows:
        score = query.score(spelling, keys=[key for key in keys if key])
        if score is not None:
            accepted[spelling] = round(score * SCORE_SCALE)
    return accepted
