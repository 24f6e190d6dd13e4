"""Benchmark the reports on PostgreSQL: ``python -m bench.bench_reports``.

Creates its own database ``pontio_bench_reports`` on the server named by
``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``, which
is only used to connect), loads ``--transfers`` (default 5,000,000) transfers
with ``INSERT ... SELECT generate_series``, and drops the database at the end.

The data: the 22 Welsh LAs (660 to 681) with 70 schools each and six English
neighbours with 20 schools each, over three years. Most files go between schools
of one LA, some to other Welsh LAs, a few across the border; a few are generic
zip files, files to LA mailboxes or lost pupils' files. Files older than 60
days have been collected (or rejected) and deleted by retention, as in life.
Lost pupil records (one per lost pupil file) and a few weeks of messages too.

It times every report for one LA over the last year as a browser asks for it,
through the views: the page (its first rows, its count, its chart, rendered;
target under 1 s) and the CSV file streamed to its last byte (the time to its
first rows, the whole time, and Python's peak memory while it streams, which
stays flat however many rows there are). Then the all-Wales cluster CSV file over
the whole three years (target under 5 s). Best of ``--runs`` runs.

``--explain`` prints each report query's plan (EXPLAIN ANALYZE) once.
``--keep`` keeps the database when done and ``--reuse`` times a kept database
again without loading it (after migrating it, so new indexes are built).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DATA_DIR = Path(tempfile.mkdtemp(prefix="pontio-bench-reports-"))
BENCH_DATABASE = "pontio_bench_reports"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
WELSH_LAS = tuple(str(number) for number in range(660, 682))
ENGLISH_LAS = ("838", "884", "885", "893", "908", "919")
WELSH_SCHOOLS_PER_LA = 70
ENGLISH_SCHOOLS_PER_LA = 20
DAYS = 3 * 365
RECENT_DAYS = 60
TARGET_LA_SECONDS = 1.0
TARGET_ALL_WALES_SECONDS = 5.0
BENCH_LA = "676"

os.environ["PONTIO_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "pontio.settings"
ORIGINAL_URL = os.environ.get("DATABASE_URL") or DEFAULT_URL


def _bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ORIGINAL_URL, autocommit=True) as connection:
        connection.execute(sql)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transfers", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for another run"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the database a --keep run left"
    )
    return parser.parse_args(argv)


ARGS = _arguments(sys.argv[1:])
if not ARGS.reuse:
    _admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    _admin(f"CREATE DATABASE {BENCH_DATABASE}")
os.environ["DATABASE_URL"] = _bench_url(ORIGINAL_URL)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from pontio.directory.models import CENTRAL_CODE, Organisation, User  # noqa: E402
from pontio.directory.roles import Role  # noqa: E402
from pontio.reports import views  # noqa: E402
from pontio.reports.catalogue import REPORTS  # noqa: E402


def sql(statement: str, params: Any = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def scalar(statement: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


# -- The directory ------------------------------------------------------------


def make_directory() -> User:
    """Create the LAs, their schools, central administration and some users."""
    central = Organisation.objects.create(kind="central", code=CENTRAL_CODE, name="WG")
    las = [
        Organisation(kind="la", code=code, name=f"LA {code}")
        for code in WELSH_LAS + ENGLISH_LAS
    ]
    Organisation.objects.bulk_create(las)
    schools = []
    for la in Organisation.objects.filter(kind="la").order_by("code"):
        count = WELSH_SCHOOLS_PER_LA if la.code in WELSH_LAS else ENGLISH_SCHOOLS_PER_LA
        schools += [
            Organisation(
                kind="school", code=f"{la.code}{2000 + n}", name=f"School {n}", la=la
            )
            for n in range(count)
        ]
    Organisation.objects.bulk_create(schools)
    users = [
        User(
            username=f"{school.code}office",
            organisation=school,
            role=Role.SCHOOL,
            password="!",  # noqa: S106 (unusable)
        )
        for school in Organisation.objects.filter(kind="school", la__code__in=WELSH_LAS)
    ]
    User.objects.bulk_create(users)
    return User.objects.create(
        username="wgadmin",
        organisation=central,
        role=Role.CENTRAL_ADMIN,
        password="!",  # noqa: S106 (unusable)
    )


def make_school_table() -> None:
    """Number the schools so that SQL can pick one at random: the Welsh ones
    first, 70 to an LA, then the English ones."""
    sql(
        """
        CREATE TABLE bench_school AS
        SELECT row_number() OVER (
                   ORDER BY NOT (la.code = ANY(%s)), school.code) - 1 AS idx,
               school.id, school.code, school.la_id, la.code AS la_code
        FROM directory_organisation school
        JOIN directory_organisation la ON la.id = school.la_id
        WHERE school.kind = 'school'
        """,
        [list(WELSH_LAS)],
    )
    sql("CREATE UNIQUE INDEX ON bench_school (idx)")


# -- Transfers --------------------------------------------------------------------


@contextmanager
def constraint_dropped(table: str, name: str) -> Iterator[None]:
    """Drop a check constraint during a bulk load, then check every row again."""
    definition = scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "  # noqa: S608
        f"WHERE conname = '{name}'"
    )
    sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


@contextmanager
def indexes_dropped(table: str) -> Iterator[None]:
    """Drop ``table``'s plain indexes during a bulk load, then build them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [table],
        )
        indexes = cursor.fetchall()
    for name, _definition in indexes:
        sql(f'DROP INDEX "{name}"')
    sql("SET session_replication_role = replica")  # no per-row foreign key checks
    try:
        yield
    finally:
        sql("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            sql(definition)


# Each kind of file: share, kind, route, how its destination is chosen.
FILE_MIX = (
    # Between schools of one LA.
    (0.74, "ctf", "same_la"),
    # To a school of another Welsh LA.
    (0.14, "ctf", "other_wales"),
    # Across the border, either way.
    (0.03, "ctf", "england"),
    (0.02, "ctf", "from_england"),
    (0.04, "generic", "same_la"),
    (0.02, "ctf", "la_mailbox"),
    (0.01, "ctf", "lost_pupils"),
)


def _destination_sql(mode: str, welsh: int, english: int) -> tuple[str, str]:
    """SQL choosing the source school index and the destination school index."""
    per_la = WELSH_SCHOOLS_PER_LA
    any_welsh = f"floor(random() * {welsh})::int"
    any_english = f"({welsh} + floor(random() * {english})::int)"
    if mode == "same_la":
        return any_welsh, f"(s / {per_la}) * {per_la} + floor(random() * {per_la})::int"
    if mode == "other_wales":
        return any_welsh, any_welsh
    if mode == "england":
        return any_welsh, any_english
    if mode == "from_england":
        return any_english, any_welsh
    return any_welsh, "NULL::int"


def insert_transfers(total: int, user_id: int) -> None:
    welsh = len(WELSH_LAS) * WELSH_SCHOOLS_PER_LA
    english = len(ENGLISH_LAS) * ENGLISH_SCHOOLS_PER_LA
    table = "transfers_transfer"
    with (
        constraint_dropped(table, "transfer_file_held_until_gone"),
        indexes_dropped(table),
    ):
        for share, kind, mode in FILE_MIX:
            count = int(total * share)
            source, destination = _destination_sql(mode, welsh, english)
            sql(_transfer_insert(kind, mode, source, destination), [count, user_id])
            print(f"  {count:>9,} {kind} {mode}", flush=True)
        attach_blobs()


def _transfer_insert(kind: str, mode: str, source: str, destination: str) -> str:
    """One INSERT ... SELECT generate_series for one kind of file.

    Files older than RECENT_DAYS were collected (93 %) or rejected (4 %) or left
    (3 %), then deleted: no stored file. Recent ones are awaiting or collected
    and get a stored file row each.
    """
    if mode == "lost_pupils":
        route = "'lost_pupils'"
        dest_id = dest_la = "NULL"
        dest_code = "'XXXXXXX'"
        dest_mailbox = "''"
    elif mode == "la_mailbox":
        route = "'la'"
        dest_id = dest_la = "src.la_id"
        dest_code = "src.la_code || 'PLAS'"
        dest_mailbox = "'PLAS'"
    else:
        route = "'school'"
        dest_id, dest_la, dest_code = "dst.id", "dst.la_id", "dst.code"
        dest_mailbox = "''"
    extension = "zip" if kind == "generic" else "XML"
    tag = "GEN" if kind == "generic" else "CTF"
    pupils = "0" if kind == "generic" else "1 + floor(power(random(), 3) * 60)::int"
    return f"""
        WITH plan AS (
            SELECT g, s, {destination} AS d, up, r, pick
            FROM (
                SELECT g, {source} AS s,
                       now() - random() * interval '{DAYS} days' AS up,
                       random() AS r, random() AS pick
                FROM generate_series(1, %s) g
            ) raw
        ), dated AS (
            SELECT plan.*,
                   up + (1 + pick * 10) * interval '1 day' AS done,
                   up < now() - interval '{RECENT_DAYS} days' AS old
            FROM plan
        )
        INSERT INTO transfers_transfer (
            code, filename, kind, route, status, source_id, source_mailbox,
            source_code, source_la_id, destination_id, destination_mailbox,
            destination_code, destination_la_id, uploaded_by_id, uploaded_at,
            collected_at, rejected_at, rejection_reason, deleted_at, pupil_count,
            size, sha256, warnings, header_source, header_destination, blob_id)
        SELECT gen_random_uuid(),
               src.code || '_{tag}_' || {dest_code} || '_001.{extension}',
               '{kind}', {route},
               CASE WHEN old AND r < 0.04 THEN 'rejected'
                    WHEN old THEN 'deleted'
                    WHEN r < 0.2 THEN 'awaiting' ELSE 'collected' END,
               src.id, '', src.code, src.la_id, {dest_id}, {dest_mailbox},
               {dest_code}, {dest_la}, %s, up,
               CASE WHEN (old AND r >= 0.07) OR (NOT old AND r >= 0.2)
                    THEN least(done, now()) END,
               CASE WHEN old AND r < 0.04 THEN done END,
               '',
               CASE WHEN old AND r >= 0.04 THEN done + interval '30 days' END,
               {pupils}, 20000, md5(g::text || '{kind}{mode}') || md5(g::text),
               '[]'::jsonb, src.code, {dest_code}, NULL
        FROM dated
        JOIN bench_school src ON src.idx = dated.s
        LEFT JOIN bench_school dst ON dst.idx = dated.d
    """  # noqa: S608 (the benchmark's own constants)


def attach_blobs() -> None:
    """Give each awaiting or collected file its stored file row."""
    sql(
        """
        WITH held AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM transfers_transfer
            WHERE status IN ('awaiting', 'collected')
        ), blobs AS (
            INSERT INTO transfers_storedblob
                (code, storage_name, size, sha256, wrapped_key, master_key_id,
                 created_at)
            SELECT gen_random_uuid(), 'bench-' || n, 20000, md5(n::text),
                   '\\x00'::bytea, 'bench', now()
            FROM held RETURNING id, storage_name
        )
        UPDATE transfers_transfer t SET blob_id = blobs.id
        FROM held JOIN blobs ON blobs.storage_name = 'bench-' || held.n
        WHERE t.id = held.id
        """
    )


# -- Lost pupils and messages -----------------------------------------------------


def _blank_columns(table: str, given: set[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND is_nullable = 'NO'
              AND data_type = 'character varying'
            """,
            [table],
        )
        return [name for (name,) in cursor.fetchall() if name not in given]


def insert_lost_pupils() -> None:
    """One record for each lost pupil file: ages 4 to 16, some downloaded."""
    given = {"kind", "state", "la_code", "upn", "sex", "surname", "forename"}
    blanks = _blank_columns("lostpupils_lostpupilrecord", given)
    sql(
        f"""
        INSERT INTO lostpupils_lostpupilrecord (
            code, transfer_id, kind, state, school_id, la_code, uploaded_at,
            downloaded_by_la_id, downloaded_at, upn, sex, surname, forename,
            date_of_birth, {", ".join(blanks)})
        SELECT gen_random_uuid(), t.id,
               CASE WHEN random() < 0.7 THEN 'missing' ELSE 'left_sector' END,
               CASE WHEN d.r < 0.3 THEN 'downloaded' ELSE 'open' END,
               t.source_id, left(t.source_code, 3), t.uploaded_at,
               CASE WHEN d.r < 0.3 THEN t.source_la_id END,
               CASE WHEN d.r < 0.3 THEN t.uploaded_at + interval '20 days' END,
               'A' || lpad(t.id::text, 12, '0'),
               CASE WHEN random() < 0.5 THEN 'F' ELSE 'M' END, 'Jones', 'Megan',
               (t.uploaded_at - (4 + random() * 12) * interval '365 days')::date,
               {", ".join("''" for _ in blanks)}
        FROM transfers_transfer t CROSS JOIN LATERAL (SELECT random() AS r) d
        WHERE t.route = 'lost_pupils'
        """,  # noqa: S608 (column names from the catalogue)
    )


def insert_messages(messages: int = 20_000, recipients_each: int = 5) -> None:
    """A month of messages to the Welsh schools' users, most of them read."""
    sql(
        """
        INSERT INTO messaging_message (code, sender_organisation_id, sender_username,
            sent_at, addressed_to, ciphertext, wrapped_key, master_key_id)
        SELECT gen_random_uuid(), (SELECT id FROM directory_organisation
                                    WHERE code = 'central'),
               'wgadmin', now() - random() * interval '31 days', '[]'::jsonb,
               '\\x00'::bytea, '\\x00'::bytea, 'bench'
        FROM generate_series(1, %s)
        """,
        [messages],
    )
    sql(
        """
        WITH users AS (
            SELECT id, organisation_id, row_number() OVER (ORDER BY id) - 1 AS n
            FROM directory_user WHERE role = 'school'
        ), sent AS (
            SELECT id, sent_at, row_number() OVER (ORDER BY id) AS m
            FROM messaging_message
        )
        INSERT INTO messaging_delivery
            (message_id, recipient_id, organisation_id, arrived_at, read_at)
        SELECT sent.id, users.id, users.organisation_id, sent.sent_at,
               CASE WHEN random() < 0.8 THEN sent.sent_at + interval '1 day' END
        FROM sent CROSS JOIN generate_series(0, %s - 1) k
        JOIN users ON users.n = (sent.m * 7 + k * 331) %% (SELECT count(*) FROM users)
        """,
        [recipients_each],
    )


# -- Timing -----------------------------------------------------------------------


@dataclass
class Result:
    """One report's figures: the page, and its CSV file read to the end."""

    name: str
    scope: str
    rows: int = 0
    shown: int = 0
    page: float | None = None
    first_byte: float = 0.0
    csv: float = 0.0
    peak_mb: float = 0.0
    target: float = TARGET_LA_SECONDS
    timed: str = "page"

    @property
    def seconds(self) -> float:
        return self.page if self.page is not None else self.csv


def _get(view: Callable[..., Any], url: str, data: dict[str, str], actor: User) -> Any:
    request = RequestFactory().get(url, data)
    request.user = actor
    return view(request, name=url.split("/")[2])


def show_page(actor: User, name: str, data: dict[str, str]) -> int:
    """Render a report's page as the browser asks for it; return the rows shown."""
    response = _get(views.report, reverse("reports:report", args=[name]), data, actor)
    assert response.status_code == 200, response.status_code
    assert b"govuk-error-summary" not in response.content, name
    rows = int(response.content.count(b'<tr class="govuk-table__row">'))
    return max(0, rows - 1)


def download_csv(actor: User, name: str, data: dict[str, str]) -> tuple[float, int]:
    """Stream a report's CSV file to the end; return the time to its first rows
    (after the headings) and its number of rows."""
    started = time.perf_counter()
    response = _get(views.download, reverse("reports:csv", args=[name]), data, actor)
    assert response.status_code == 200, response.status_code
    first_byte, lines = 0.0, 0
    for piece in response.streaming_content:
        lines += piece.count(b"\n")
        if not first_byte and lines > 1:
            first_byte = time.perf_counter() - started
    response.close()
    return first_byte, lines - 1


def best(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The best time of ``runs`` runs, and what the last run returned."""
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - started)
    return min(times), value


def csv_peak_mb(actor: User, name: str, data: dict[str, str]) -> float:
    """Python's peak memory while a CSV file streams, in MB."""
    tracemalloc.start()
    try:
        download_csv(actor, name, data)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


@contextmanager
def explained(enabled: bool) -> Iterator[None]:
    """Print each report query's plan (EXPLAIN ANALYZE) once while enabled."""
    seen: set[str] = set()

    def explain(execute: Any, statement: str, params: Any, many: bool, ctx: Any) -> Any:
        reads = "transfers_transfer" in statement or "lostpupils" in statement
        query = statement.lstrip("( ").upper().startswith("SELECT")
        if reads and query and statement not in seen:
            seen.add(statement)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params)
                print("\n".join(row[0] for row in cursor.fetchall()), "\n")
        return execute(statement, params, many, ctx)

    if not enabled:
        yield
        return
    with connection.execute_wrapper(explain):
        yield


def _form(start: datetime.date | None, end: datetime.date) -> dict[str, str]:
    dates = {"end_day": str(end.day), "end_month": str(end.month)}
    dates["end_year"] = str(end.year)
    if start is not None:
        dates |= {"start_day": str(start.day), "start_month": str(start.month)}
        dates["start_year"] = str(start.year)
    return dates


def time_report(
    actor: User, result: Result, data: dict[str, str], runs: int, explain: bool
) -> Result:
    """Fill ``result`` with the report's figures for the choices ``data``."""
    page = partial(show_page, actor, result.name, data)
    csv_file = partial(download_csv, actor, result.name, data)
    with explained(explain):
        if result.page is not None:
            page()
        csv_file()
    if result.page is not None:
        result.page, result.shown = best(runs, page)
    firsts = []
    for _ in range(runs):
        seconds, (first_byte, result.rows) = best(1, csv_file)
        result.csv = min(result.csv or seconds, seconds)
        firsts.append(first_byte)
    result.first_byte = min(firsts)
    result.peak_mb = csv_peak_mb(actor, result.name, data)
    return result


def measure(actor: User, runs: int, explain: bool) -> list[Result]:
    """Time every report's page and CSV file for one LA over the last year, then
    the all-Wales cluster CSV file over every year."""
    today = timezone.localdate()
    year = _form(today - datetime.timedelta(days=365), today)
    cluster = ",".join((BENCH_LA, *WELSH_LAS[:9]))
    results = []
    for name, report in REPORTS.items():
        data = {**year, "las": cluster} if report.is_cluster else {**year}
        if not report.is_cluster:
            data["la"] = BENCH_LA
        result = Result(name, f"LA {BENCH_LA}, 1 year", page=0.0)
        results.append(time_report(actor, result, data, runs, explain))
    all_wales = {**_form(None, today), "all_wales": "on"}
    result = Result(
        "la-cluster", "all Wales, 3 years", target=TARGET_ALL_WALES_SECONDS, timed="csv"
    )
    results.append(time_report(actor, result, all_wales, runs, explain))
    return results


def print_table(results: list[Result]) -> None:
    print(
        f"{'report':<20} {'scope':<19} {'rows':>8} {'shown':>6} {'page s':>7} "
        f"{'1st row':>7} "
        f"{'csv s':>7} {'csv MB':>6}  target"
    )
    for result in results:
        page = f"{result.page:7.3f}" if result.page is not None else f"{'-':>7}"
        mark = "ok" if result.seconds < result.target else "SLOW"
        print(
            f"{result.name:<20} {result.scope:<19} {result.rows:>8,} "
            f"{result.shown:>6,} {page} "
            f"{result.first_byte:7.3f} {result.csv:7.3f} {result.peak_mb:6.1f}  "
            f"{result.timed} < {result.target:.0f} s {mark}"
        )


def load(transfers: int) -> User:
    """Create the directory, the transfers, lost pupils and messages."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    actor = make_directory()
    make_school_table()
    print(f"Loading {transfers:,} transfers into {BENCH_DATABASE}:")
    insert_transfers(transfers, actor.pk)
    insert_lost_pupils()
    insert_messages()
    sql("VACUUM ANALYZE")
    total = scalar("SELECT count(*) FROM transfers_transfer")
    lost = scalar("SELECT count(*) FROM lostpupils_lostpupilrecord")
    loaded = time.perf_counter() - started
    print(f"Loaded {total:,} transfers, {lost:,} lost pupils in {loaded:.0f} s\n")
    return actor


# Pages render without collected static files: their links need no manifest.
PLAIN_STATIC = {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}


def main(args: argparse.Namespace) -> int:
    try:
        if args.reuse:
            call_command("migrate", verbosity=0)
            actor = User.objects.get(username="wgadmin")
        else:
            actor = load(args.transfers)
        with override_settings(STORAGES={**settings.STORAGES, **PLAIN_STATIC}):
            print_table(measure(actor, args.runs, args.explain))
    finally:
        connection.close()
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
