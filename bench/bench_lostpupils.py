"""Benchmark the Lost Pupil Database search: ``python -m bench.bench_lostpupils``.

Loads ``--records`` (default 1,000,000) synthetic records into a throw-away
database, then measures the p50 and p95 latency of exact ("surname begins") and
soundalike searches, the median time to index one record, and the soundalike
match's recall and precision on the labelled variant list.

SQLite by default, in a temporary data folder. With ``DATABASE_URL`` set to a
PostgreSQL server (``postgres://postgres@127.0.0.1:5432/test``), it creates its own
database ``pontio_bench`` there, and drops it at the end; the database named in
the URL is only used to connect.

Names follow the Welsh and English tables of ``pontio.ctf.synthetic_data``
weighted as in life (Jones, Davies and Williams far more common than Prosser),
plus a long tail of rarer surnames, some double-barrelled names, former surnames
and typing slips. Dates of birth cover pupils aged 4 to 16.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# --keep DIR: load once into DIR (SQLite) and reuse it on the next run.
KEEP_DIR = next(
    (sys.argv[i + 1] for i, arg in enumerate(sys.argv[:-1]) if arg == "--keep"), ""
)
DATA_DIR = Path(KEEP_DIR or tempfile.mkdtemp(prefix="pontio-bench-lostpupils-"))
BENCH_DATABASE = "pontio_bench"
SEED = 2025
BATCH = 5000
QUERIES_PER_KIND = 200
INDEX_CALLS = 300
TARGET_P95_MS = {"postgresql": 100.0, "sqlite": 300.0}
TARGET_INDEX_MS = 5.0
TODAY = datetime.date(2025, 10, 1)

os.environ["PONTIO_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "pontio.settings"


def postgres_bench_url(url: str) -> str:
    """Create the benchmark's own database beside the one named in ``url``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def drop_postgres_bench(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")


ORIGINAL_URL = "" if KEEP_DIR else os.environ.get("DATABASE_URL", "")
if KEEP_DIR:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)
if ORIGINAL_URL:
    os.environ["DATABASE_URL"] = postgres_bench_url(ORIGINAL_URL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pontio.ctf import synthetic_data as names  # noqa: E402
from pontio.ctf.models import PupilSummary  # noqa: E402
from pontio.directory.models import Organisation  # noqa: E402
from pontio.lostpupils.indexing import (  # noqa: E402
    add_spellings,
    build_lost_pupil_record,
    index_lost_pupil,
)
from pontio.lostpupils.models import LostPupilRecord  # noqa: E402
from pontio.lostpupils.phonetic import slips  # noqa: E402
from pontio.lostpupils.queries import (  # noqa: E402
    LostPupilCriteria,
    search_lost_pupils,
)


def words(text: str) -> list[str]:
    return text.split()


# A long tail of rarer surnames, from common English and Welsh name parts.
TAIL_STARTS = words(
    "Ash Brad Brook Clay Cole Craw Dun Fair Hart Hay Hol Kirk Lang Mar Mid New Nor "
    "Pen Rad Red Ros Shel Stan Sut Thorn Wal West Whit Wood Bur Chal Dal Fen Gar "
    "Hal Lin Mel Sal Ten Trev Tre Pont Llan Aber Caer Cwm Bryn Gwyn Dol Hen"
)
TAIL_ENDS = words(
    "ton ley ford field well by worth combe ham stead shaw more dale bury den don "
    "ridge wick ock er son ing an en fryn wen coed ydd ard"
)


def weighted(items: tuple[str, ...] | list[str], exponent: float) -> list[float]:
    """Zipf weights: the n-th item is n**exponent times rarer than the first."""
    return [1 / (rank**exponent) for rank in range(1, len(items) + 1)]


class Population:
    """Synthetic pupils with realistic name and age distributions."""

    def __init__(self, rng: random.Random, schools: dict[str, list[Organisation]]):
        self.rng = rng
        self.schools = schools
        tail = [start + end for start in TAIL_STARTS for end in TAIL_ENDS]
        self.rng.shuffle(tail)
        # Shares of the three surname pools: Jones ends near 6 %, Smith near 3 %.
        pools = [
            (list(names.WELSH_SURNAMES), 0.25, 1.0),
            (list(names.ENGLISH_SURNAMES), 0.12, 1.0),
            (tail, 0.63, 0.6),
        ]
        self.surnames: list[str] = []
        self.surname_weights: list[float] = []
        for pool, share, exponent in pools:
            weights = weighted(pool, exponent)
            total = sum(weights)
            self.surnames += pool
            self.surname_weights += [share * weight / total for weight in weights]
        girls = names.WELSH_GIRLS + names.ENGLISH_GIRLS
        boys = names.WELSH_BOYS + names.ENGLISH_BOYS
        self.forenames = {
            "F": (girls, weighted(girls, 0.7)),
            "M": (boys, weighted(boys, 0.7)),
        }
        self.towns = names.WELSH_TOWNS + names.ENGLISH_TOWNS
        self.town_weights = weighted(self.towns, 0.8)

    def surname(self) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, self.surname_weights)[0]
        roll = rng.random()
        if roll < 0.03:
            surname = rng.choice(sorted(slips(surname.lower()))).title()
        elif roll < 0.05:
            other = rng.choices(self.surnames, self.surname_weights)[0]
            surname = f"{surname}-{other}"
        return surname

    def summary(self) -> tuple[PupilSummary, Organisation]:
        rng = self.rng
        sex = rng.choice("FM")
        pool, weights = self.forenames[sex]
        town = rng.choices(self.towns, self.town_weights)[0]
        age_days = rng.randrange(4 * 365, 17 * 365)
        former = self.surname() if rng.random() < 0.03 else None
        summary = PupilSummary(
            upn=f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{rng.randrange(10**12):012d}",
            former_upn=f"T{rng.randrange(10**12):012d}"
            if rng.random() < 0.02
            else None,
            surname=self.surname(),
            forename=rng.choices(pool, weights)[0],
            middle_names=None,
            former_surname=former,
            preferred_surname=None,
            dob=(TODAY - datetime.timedelta(days=age_days)).isoformat(),
            sex=sex,
            town=town.name,
            postcode=f"{rng.choice(town.postcode_districts)} {rng.randrange(10)}AB",
        )
        return summary, rng.choice(self.schools[town.la])


def make_schools() -> dict[str, list[Organisation]]:
    schools: dict[str, list[Organisation]] = {}
    for town in names.WELSH_TOWNS + names.ENGLISH_TOWNS:
        la, _ = Organisation.objects.get_or_create(
            code=town.la, defaults={"kind": "la", "name": town.name}
        )
        schools[town.la] = schools.get(town.la) or [
            Organisation.objects.get_or_create(
                code=f"{town.la}{2000 + n}",
                defaults={"kind": "school", "name": f"School {n}", "la": la},
            )[0]
            for n in range(10)
        ]
    return schools


def records(population: Population, count: int) -> Iterator[LostPupilRecord]:
    rng = population.rng
    now = datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    for _ in range(count):
        summary, school = population.summary()
        record = build_lost_pupil_record(
            transfer_id=None,
            summary=summary,
            kind=rng.choice(("missing", "missing", "left_sector")),
            school=school,
            uploaded_at=now - datetime.timedelta(minutes=rng.randrange(3 * 525600)),
        )
        if rng.random() < 0.2:
            record.state = LostPupilRecord.State.REMOVED
            record.removed_at = now
        yield record


def save(batch: list[LostPupilRecord]) -> None:
    with transaction.atomic():
        LostPupilRecord.objects.bulk_create(batch)
        add_spellings(batch)


def load(population: Population, count: int) -> float:
    started = time.perf_counter()
    batch: list[LostPupilRecord] = []
    for record in records(population, count):
        batch.append(record)
        if len(batch) == BATCH:
            save(batch)
            batch = []
    save(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE lostpupils_lostpupilrecord")
    return time.perf_counter() - started


def sample(rng: random.Random, count: int) -> list[LostPupilRecord]:
    highest = LostPupilRecord.objects.order_by("-id").values_list("id", flat=True)[0]
    ids = rng.sample(range(1, highest + 1), count)
    return list(LostPupilRecord.objects.filter(id__in=ids))


def query_kinds(rng: random.Random) -> dict[str, Callable[[LostPupilRecord], object]]:
    def slip(name: str) -> str:
        return rng.choice(sorted(slips(name.lower()))) if rng.random() < 0.5 else name

    return {
        "exact surname+dob": lambda r: LostPupilCriteria(
            surname=r.surname, surname_begins=True, date_of_birth=r.date_of_birth
        ),
        "exact surname": lambda r: LostPupilCriteria(
            surname=r.surname, surname_begins=True
        ),
        "exact forename+surname": lambda r: LostPupilCriteria(
            surname=r.surname, forename=r.forename, surname_begins=True
        ),
        "soundalike surname+dob": lambda r: LostPupilCriteria(
            surname=slip(r.surname), date_of_birth=r.date_of_birth
        ),
        "soundalike surname": lambda r: LostPupilCriteria(surname=slip(r.surname)),
        "soundalike forename+surname": lambda r: LostPupilCriteria(
            surname=slip(r.surname), forename=slip(r.forename)
        ),
    }


def time_searches(rng: random.Random) -> dict[str, list[float]]:
    targets = sample(rng, QUERIES_PER_KIND)
    timings: dict[str, list[float]] = {}
    for kind, make in query_kinds(rng).items():
        criteria = [make(record) for record in targets]
        search_lost_pupils(criteria[0])  # type: ignore[arg-type]
        timings[kind] = []
        for one in criteria:
            started = time.perf_counter()
            search_lost_pupils(one)  # type: ignore[arg-type]
            timings[kind].append((time.perf_counter() - started) * 1000)
    return timings


def time_indexing(population: Population) -> float:
    times = []
    for _ in range(INDEX_CALLS):
        summary, school = population.summary()
        with transaction.atomic():
            started = time.perf_counter()
            index_lost_pupil(
                transfer_id=None,
                summary=summary,
                kind="missing",
                school=school,
                uploaded_at=datetime.datetime.now(tz=datetime.UTC),
            )
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(timings: dict[str, list[float]], target: float) -> None:
    print(f"{'search':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for family in ("exact", "soundalike"):
        every = []
        for kind, values in timings.items():
            if kind.startswith(family):
                every += values
                print(
                    f"{kind:<30} {percentile(values, 0.5):>8.1f} "
                    f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}"
                )
        print(
            f"{'all ' + family:<30} {percentile(every, 0.5):>8.1f} "
            f"{percentile(every, 0.95):>8.1f} {max(every):>8.1f}  "
            f"(target p95 <= {target:.0f})"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite data here")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    try:
        call_command("migrate", verbosity=0)
        population = Population(rng, make_schools())
        loaded = LostPupilRecord.objects.count()
        seconds = load(population, args.records - loaded) if not loaded else 0.0
        print(
            f"database: {connection.vendor}; {args.records:,} records "
            f"loaded in {seconds:.0f} s"
        )
        report(time_searches(rng), TARGET_P95_MS[connection.vendor])
        print(
            f"index one record: median {time_indexing(population):.2f} ms "
            f"(target <= {TARGET_INDEX_MS:.0f})"
        )
        from tests.lostpupils.test_variants import load_pairs, measure

        recall, precision, _ = measure(load_pairs())
        print(
            f"labelled variants: recall {recall:.3f} (target >= 0.98), "
            f"precision {precision:.3f}"
        )
    finally:
        connection.close()
        if not KEEP_DIR:
            shutil.rmtree(DATA_DIR, ignore_errors=True)
        if ORIGINAL_URL:
            drop_postgres_bench(ORIGINAL_URL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
