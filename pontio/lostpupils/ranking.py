"""Fetching the best-ranked search results without sorting the whole database.

A search's candidates come in *tiers*: groups of surname spellings, best scores
first. A tier whose records all score the same is read in the chosen sort order
straight from the database, ``LIMIT``-ed (so the first 201 of sixty thousand
Joneses cost no more than 201 rows). A tier whose scores vary is read whole and
ranked in Python. Both read light rows (ids, names and sort columns); only the
records finally chosen are loaded.
Each tier queries the surname and former-surname columns apart, so that each
uses its own index, and merges the two in order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from pontio.lostpupils.models import LostPupilRecord

SCORE_SCALE = 100
# Without a selective criterion, the best spellings are read one score at a time
# (Jones before Jonnes), then the rest together.
SEPARATE_TIERS = 10
_NAME_COLUMNS = ("id", "surname_norm", "former_surname_norm", "forename_norm")

Row = tuple[tuple[Any, ...], int, int]  # sort key, record id, rank


@dataclass(frozen=True)
class Tier:
    """Candidates read together: one condition per name column."""

    conditions: tuple[Q, ...]
    # Each surname spelling's score; when empty, every record scores ``base``.
    scores: dict[str, int]
    base: int = 0

    @property
    def fixed_rank(self) -> int | None:
        """The one surname score of the tier, or None when its scores vary."""
        ranks = set(self.scores.values()) or {self.base}
        return ranks.pop() if len(ranks) == 1 else None

    def surname_rank(self, surname: str, former_surname: str) -> int:
        if not self.scores:
            return self.base
        return max(self.scores.get(surname, 0), self.scores.get(former_surname, 0))


def soundalike_tiers(accepted: dict[str, int], separate: int) -> list[Tier]:
    """The accepted spellings, best first: the first few scores one by one."""
    by_score: dict[int, list[str]] = defaultdict(list)
    for spelling, score in accepted.items():
        by_score[score].append(spelling)
    groups = sorted(by_score.items(), reverse=True)
    head = groups[: separate - 1] if len(groups) > separate else groups
    chunks = [dict.fromkeys(spellings, score) for score, spellings in head]
    tail = {s: score for score, spellings in groups[len(head) :] for s in spellings}
    if tail:
        chunks.append(tail)
    tiers = []
    for chunk in chunks:
        spellings = sorted(chunk)
        surname = Q(surname_norm__in=spellings)
        former = Q(former_surname_norm__in=spellings) & ~surname
        tiers.append(Tier((surname, former), chunk))
    return tiers or [Tier((Q(pk__in=[]),), {})]


def fetch_ranked(
    records: QuerySet[LostPupilRecord],
    tiers: list[Tier],
    forename_scores: dict[str, int] | None,
    order: tuple[str, ...],
    count: int,
) -> list[tuple[LostPupilRecord, int]]:
    """The first ``count`` records by rank (best first), then by ``order``."""
    found: dict[int, int] = {}
    for tier in tiers:
        if len(found) >= count:
            break
        fixed = tier.fixed_rank
        if fixed is not None and forename_scores is None:
            rows = _ordered_rows(records, tier, fixed, order, count)
        else:
            rows = _ranked_rows(records, tier, forename_scores or {}, order)
        for _key, pk, rank in sorted(rows):
            found.setdefault(pk, rank)
            if len(found) >= count:
                break
    loaded = records.order_by().in_bulk(list(found))
    return [(loaded[pk], rank) for pk, rank in found.items()]


def _ordered_rows(
    records: QuerySet[LostPupilRecord],
    tier: Tier,
    rank: int,
    order: tuple[str, ...],
    count: int,
) -> list[Row]:
    columns = [field.lstrip("-") for field in order]
    rows = []
    for condition in tier.conditions:
        query = records.filter(condition).order_by(*_order_by(order), "id")
        for pk, *values in query.values_list("id", *columns)[:count]:
            rows.append((_sort_key(rank, values, order, pk), pk, rank))
    return rows


def _ranked_rows(
    records: QuerySet[LostPupilRecord],
    tier: Tier,
    forename_scores: dict[str, int],
    order: tuple[str, ...],
) -> list[Row]:
    columns = [field.lstrip("-") for field in order]
    names = list(dict.fromkeys((*_NAME_COLUMNS, *columns)))
    rows = []
    for condition in tier.conditions:
        for row in records.filter(condition).order_by().values(*names):
            rank = tier.surname_rank(row["surname_norm"], row["former_surname_norm"])
            rank += forename_scores.get(row["forename_norm"], 0)
            values = [row[column] for column in columns]
            rows.append((_sort_key(rank, values, order, row["id"]), row["id"], rank))
    return rows


def _order_by(order: tuple[str, ...]) -> list[str | OrderBy]:
    # Only the date of birth may be empty: last, as in _sort_key, on both engines.
    return [
        F(field).asc(nulls_last=True) if field == "date_of_birth" else field
        for field in order
    ]


def _sort_key(
    rank: int, values: list[Any], order: tuple[str, ...], pk: int
) -> tuple[Any, ...]:
    """Rank first, then the SQL order of ``_order_by`` (to merge query results)."""
    key: list[Any] = [-rank]
    for field, value in zip(order, values, strict=True):
        if field.startswith("-"):
            key.append(-value.timestamp())
        else:
            key.append((value is None, "" if value is None else value))
    return (*key, pk)
