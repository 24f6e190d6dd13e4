"""A report's rows, read from the database only as far as they are needed.

A report may hold a handful of totals or a line for every file an LA's schools
sent in a year (well over 100,000). A page shows the first rows and says how many
there are; the CSV file streams every row in chunks; the API hands them out a
page at a time. None of them holds every row in memory.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

Row = tuple[Any, ...]
RowQuery = QuerySet[Any, Row]
# Rows fetched from the database at a time while a CSV file streams.
CHUNK_ROWS = 2000


class Rows:
    """The rows of one run of a report.

    Either a list already counted (a report of totals: one row per school, per
    pair of LAs, per age), or ordered queries of tuples (a report of files or
    pupils), counted and read on demand. Several queries, each in the order of
    ``key``, are merged as they are read: the files an LA sent and those it
    received each come in date order from their own index, so that the first
    rows of a year need no sorting of the whole year.
    """

    def __init__(
        self,
        rows: Sequence[Row] = (),
        *,
        queries: Sequence[RowQuery] = (),
        key: Callable[[Row], Any] | None = None,
        counter: Callable[[], int] | None = None,
        width: int | None = None,
    ) -> None:
        if len(queries) > 1 and key is None:
            raise ValueError("Merging queries needs the key they are ordered by.")
        self._listed = rows
        self._queries = tuple(queries)
        self._key = key
        # A cheaper way to count the rows than counting the queries themselves.
        self._counter = counter
        # The report's columns, when the queries read more (an id to order by).
        self._width = width
        self._count: int | None = None if queries else len(rows)

    def count(self) -> int:
        """Return how many rows there are, counting them once at most."""
        if self._count is None:
            if self._counter is not None:
                self._count = self._counter()
            else:
                self._count = sum(query.count() for query in self._queries)
        return self._count

    def window(self, offset: int, limit: int) -> list[Row]:
        """Return at most ``limit`` rows from the ``offset``-th (from 0)."""
        if not self._queries:
            return list(self._listed[offset : offset + limit])
        if len(self._queries) == 1:
            return self._trimmed(self._queries[0][offset : offset + limit])
        # Each query's first rows, up to the window's end, merged.
        heads = [query[: offset + limit] for query in self._queries]
        merged = heapq.merge(*heads, key=self._key)
        return self._trimmed(itertools.islice(merged, offset, offset + limit))

    def first(self, limit: int) -> tuple[list[Row], int]:
        """Return the first ``limit`` rows and how many there are in all.

        Counts only when there are more rows than ``limit``.
        """
        rows = self.window(0, limit + 1)
        if len(rows) <= limit:
            self._count = len(rows)
            return rows, len(rows)
        return rows[:limit], self.count()

    def __iter__(self) -> Iterator[Row]:
        """Every row in order, a chunk at a time from the database."""
        if not self._queries:
            return iter(self._listed)
        streams = [query.iterator(chunk_size=CHUNK_ROWS) for query in self._queries]
        if len(streams) == 1:
            return self._trim_each(streams[0])
        return self._trim_each(heapq.merge(*streams, key=self._key))

    def _trim_each(self, rows: Iterator[Row]) -> Iterator[Row]:
        if self._width is None:
            return rows
        width = self._width
        return (row[:width] for row in rows)

    def _trimmed(self, rows: Iterable[Row]) -> list[Row]:
        return list(self._trim_each(iter(rows)))
