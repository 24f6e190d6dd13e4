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

It times every report for one LA over the last year (target under 1 s: the
rows, the CSV file and the chart) and the all-Wales cluster CSV over the whole
three years (target under 5 s), best of ``--runs`` runs, and prints a table.
``--explain`` prints each report query's plan as well.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


_admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
_admin(f"CREATE DATABASE {BENCH_DATABASE}")
os.environ["DATABASE_URL"] = _bench_url(ORIGINAL_URL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from pontio.directory.models import CENTRAL_CODE, Organisation, User  # noqa: E402
from pontio.directory.roles import Role  # noqa: E402
from pontio.reports import charts, csvexport  # noqa: E402
from pontio.reports.catalogue import REPORTS, Report, run_report  # noqa: E402
from pontio.reports.params import Params, Period  # noqa: E402


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


def best_of(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = work()
        times.append(time.perf_counter() - started)
    return min(times), rows


def run_once(report: Report, params: Params, actor: User) -> int:
    """Everything a page and its download do: rows, chart and CSV file."""
    rows = run_report(report, params, actor=actor, output="csv")
    if report.chart is not None:
        chart = report.chart(params, rows)
        if chart is not None:
            charts.render(chart)
    headings = [str(column.label) for column in report.columns]
    csvexport.csv_text(headings, rows)
    return len(rows)


@contextmanager
def explained(enabled: bool) -> Iterator[None]:
    """Print each SELECT's plan (EXPLAIN ANALYZE) while enabled."""

    def explain(execute: Any, statement: str, params: Any, many: bool, ctx: Any) -> Any:
        if statement.lstrip().upper().startswith("SELECT") and "transfers" in statement:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params)
                print("\n".join(row[0] for row in cursor.fetchall()), "\n")
        return execute(statement, params, many, ctx)

    if not enabled:
        yield
        return
    with connection.execute_wrapper(explain):
        yield


def measure(
    actor: User, runs: int, explain: bool
) -> list[tuple[str, str, int, float, float]]:
    today = timezone.localdate()
    year = Period(start=today - datetime.timedelta(days=365), end=today)
    la = Organisation.objects.get(code=BENCH_LA)
    neighbours = tuple(Organisation.objects.filter(code__in=WELSH_LAS[:9]))
    results = []
    for name, report in REPORTS.items():
        las = (la, *neighbours) if report.is_cluster else (la,)
        params = Params(period=year, las=las)
        with explained(explain):
            seconds, rows = best_of(
                runs, lambda r=report, p=params: run_once(r, p, actor)
            )
        results.append(
            (name, f"LA {BENCH_LA}, 1 year", rows, seconds, TARGET_LA_SECONDS)
        )
    all_wales = Params(
        period=Period(start=None, end=today),
        las=tuple(Organisation.objects.filter(code__in=WELSH_LAS).order_by("code")),
        all_wales=True,
    )
    with explained(explain):
        seconds, rows = best_of(
            runs, lambda: run_once(REPORTS["la-cluster"], all_wales, actor)
        )
    results.append(
        (
            "la-cluster CSV",
            "all Wales, 3 years",
            rows,
            seconds,
            TARGET_ALL_WALES_SECONDS,
        )
    )
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        actor = make_directory()
        make_school_table()
        print(f"Loading {args.transfers:,} transfers into {BENCH_DATABASE}:")
        insert_transfers(args.transfers, actor.pk)
        insert_lost_pupils()
        insert_messages()
        sql("VACUUM ANALYZE")
        total = scalar("SELECT count(*) FROM transfers_transfer")
        lost = scalar("SELECT count(*) FROM lostpupils_lostpupilrecord")
        loaded = time.perf_counter() - started
        print(f"Loaded {total:,} transfers, {lost:,} lost pupils in {loaded:.0f} s\n")
        results = measure(actor, args.runs, args.explain)
        print(f"{'report':<22} {'scope':<20} {'rows':>8} {'seconds':>8} {'target':>7}")
        for name, scope, rows, seconds, target in results:
            mark = "ok" if seconds < target else "SLOW"
            print(
                f"{name:<22} {scope:<20} {rows:>8,} {seconds:>8.3f} "
                f"{target:>6.1f}s {mark}"
            )
    finally:
        connection.close()
        _admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
