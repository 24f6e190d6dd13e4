"""Benchmark the transfer hub under load: ``python -m bench.bench_hub``.

On PostgreSQL, with the production setup of the README (its ``gunicorn`` and
``pontio worker`` commands, read from the README itself, and its
``DATABASE_URL`` options), single-pupil CTF uploads go through
``POST /api/v1/transfers`` from many schools for ``--seconds`` (60) while a
second pool of threads downloads the uploaded files
(``GET /api/v1/transfers/{id}/content``) as their destinations. Then one 10 MB
CTF is uploaded by an LA while the memory of every web process is read from
``/proc/<pid>/status``. ``--profile N`` then profiles N uploads in this process
(cProfile, through Django's test client) to show where an upload's time goes.

It creates and drops its own database (``--database``, default
``pontio_bench_hub``) on ``postgres://postgres@127.0.0.1:5432``, uses a throw-away
data folder, listens on loopback only and stops by itself.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import itertools
import json
import os
import pstats
import queue
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

MB = 1024 * 1024
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
LA_CODE = "681"
FIRST_SCHOOL = 2000
TARGET_UPLOADS_PER_SECOND = 100
TARGET_P95_MS = 250
TARGET_RSS_MB = 50
BIG_FILE_BYTES = int(9.5 * MB)
DATA_DIR = Path(tempfile.mkdtemp(prefix="pontio-bench-hub-"))
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Samples:
    """Latencies (seconds) and failures of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.append(seconds)
            else:
                self.errors[error] = self.errors.get(error, 0) + 1

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_hub")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--upload-threads", type=int, default=8)
    parser.add_argument("--download-threads", type=int, default=2)
    parser.add_argument(
        "--server",
        metavar="COMMAND",
        help="try this web server command instead of the README's (its --bind is "
        "replaced), e.g. 'gunicorn --workers 2 --threads 8 pontio.wsgi:application'",
    )
    parser.add_argument("--database", default="pontio_bench_hub")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    return parser.parse_args(argv)


# --- The database, the data folder and Django in this process ---------------


def production_database_options(readme: Path = ROOT / "README.md") -> str:
    """The query string of the README's production ``DATABASE_URL`` (``pool=true``).

    The benchmark's database is its own, but connects as the README says.
    """
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Running it in production", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        if line.startswith("export DATABASE_URL="):
            url = shlex.split(line, comments=True)[1].split("=", 1)[1]
            return url.partition("?")[2]
    return ""


def setup_environment(database: str) -> dict[str, str]:
    """Point this process and its children at the benchmark's own database."""
    options = production_database_options()
    env = {
        "DATABASE_URL": f"{SERVER_URL}/{database}" + (f"?{options}" if options else ""),
        "PONTIO_DATA_DIR": str(DATA_DIR),
        "PONTIO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "pontio.settings",
    }
    for name in ("PONTIO_STORAGE_URL", "PONTIO_MASTER_KEY_FILE", "EMAIL_URL"):
        os.environ.pop(name, None)
    os.environ.update(env)
    return {**os.environ}


def recreate_database(database: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')


def drop_database(database: str) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@dataclass
class Cast:
    school_codes: list[str]
    school_keys: list[str]
    la_key: str


def make_cast(schools: int) -> Cast:
    """One LA, its schools, one user and one API key each, and an LA officer."""
    from django.core.management import call_command

    from pontio.directory.models import Organisation
    from pontio.directory.roles import Role
    from pontio.directory.services.apikeys import create_api_key

    call_command("migrate", verbosity=0)
    la = Organisation.objects.create(
        kind=Organisation.Kind.LA, code=LA_CODE, name="Cardiff", email="la@x.test"
    )
    codes, keys = [], []
    for number in range(FIRST_SCHOOL, FIRST_SCHOOL + schools):
        code = f"{LA_CODE}{number}"
        school = Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, code=code, name=f"School {code}", la=la
        )
        user = make_user(f"{code}office", school, Role.SCHOOL)
        codes.append(code)
        keys.append(create_api_key(user, actor=None, name="bench")[1])
    officer = make_user(f"{LA_CODE}officer", la, Role.LA_USER)
    return Cast(codes, keys, create_api_key(officer, actor=None, name="bench")[1])


def make_user(username: str, organisation: object, role: str) -> Any:
    from pontio.directory.models import User

    return User.objects.create_user(
        username=username,
        password=None,
        email=f"{username}@x.test",
        organisation=organisation,
        role=role,
        must_change_password=False,
    )


def make_ctf(source: str, destination: str, seed: int, pupils: int = 1) -> bytes:
    from pontio.ctf.synthetic import fake_ctf
    from pontio.ctf.writer import write_ctf

    data = write_ctf(
        fake_ctf(pupils=pupils, source=source, destination=destination, seed=seed)
    )
    assert data is not None
    return data


@dataclass(frozen=True)
class Upload:
    key: str
    filename: str
    data: bytes
    destination: int


def make_uploads(cast: Cast, count: int, offset: int = 0) -> list[Upload]:
    """``count`` distinct single-pupil CTFs, each school sending to the next."""
    uploads = []
    schools = len(cast.school_codes)
    for index in range(count):
        source, destination = index % schools, (index + 1) % schools
        source_code = cast.school_codes[source]
        destination_code = cast.school_codes[destination]
        number = index // schools % 999 + 1
        uploads.append(
            Upload(
                cast.school_keys[source],
                f"{source_code}_CTF_{destination_code}_{number:03d}.XML",
                make_ctf(source_code, destination_code, seed=offset + index),
                destination,
            )
        )
    return uploads


# --- The server processes ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_commands(readme: Path = ROOT / "README.md") -> list[list[str]]:
    """The web server and worker commands of the README's production section.

    The benchmark runs exactly what the README tells an operator to run, so the
    two cannot drift apart: the lines of the section's shell block that start
    with ``gunicorn`` or ``pontio worker`` (a trailing ``# comment`` dropped).
    """
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Running it in production", 1)[1].split("\n## ", 1)[0]
    commands = []
    for line in section.split("```sh", 1)[1].split("```", 1)[0].splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["gunicorn"] or words[:2] == ["pontio", "worker"]:
            commands.append(words)
    if [words[0] for words in commands] != ["gunicorn", "pontio"]:
        raise RuntimeError("README: no gunicorn and pontio worker commands found")
    return commands


def on_loopback(command: list[str], port: int) -> list[str]:
    """``command`` with its ``--bind`` replaced by loopback and ``port``."""
    words, skip = [], False
    for word in command:
        if skip:
            skip = False
        elif word in {"--bind", "-b"}:
            skip = True
        elif not word.startswith("--bind="):
            words.append(word)
    return [words[0], f"--bind=127.0.0.1:{port}", *words[1:]]


def executable(command: list[str]) -> list[str]:
    """Run the README's commands from this virtualenv's ``bin`` folder."""
    return [str(Path(sys.executable).parent / command[0]), *command[1:]]


@contextmanager
def servers(
    env: dict[str, str], port: int, web_command: list[str] | None
) -> Iterator[dict[str, int]]:
    """Run the web server and the worker; yield their pids."""
    web_words, worker_words = production_commands()
    web_words = on_loopback(web_command or web_words, port)
    print("Web server:", shlex.join(web_words), flush=True)
    processes = [
        subprocess.Popen(
            executable(words),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for words in (web_words, worker_words)
    ]
    try:
        wait_until_up(port)
        yield {"web server": processes[0].pid, "worker": processes[1].pid}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web server did not start")


# --- The client -------------------------------------------------------------


def multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


def post_file(
    connection: http.client.HTTPConnection, key: str, filename: str, data: bytes
) -> tuple[int, bytes]:
    body, boundary = multipart(filename, data)
    connection.request(
        "POST",
        "/api/v1/transfers",
        body=body,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    response = connection.getresponse()
    return response.status, response.read()


@dataclass
class Load:
    port: int
    uploads: list[Upload]
    destination_keys: list[str]
    deadline: float
    upload_samples: Samples = field(default_factory=Samples)
    download_samples: Samples = field(default_factory=Samples)
    downloaded_bytes: int = 0
    next_upload: Iterator[int] = field(default_factory=itertools.count)
    uploaded: queue.Queue[tuple[str, int]] = field(default_factory=queue.Queue)
    uploads_done: threading.Event = field(default_factory=threading.Event)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def upload_loop(self) -> None:
        connection = self.connection()
        while time.monotonic() < self.deadline:
            index = next(self.next_upload)
            if index >= len(self.uploads):
                return
            item = self.uploads[index]
            started = time.perf_counter()
            try:
                status, body = post_file(connection, item.key, item.filename, item.data)
            except (OSError, http.client.HTTPException) as error:
                self.upload_samples.add(0, type(error).__name__)
                connection = self.connection()
                continue
            elapsed = time.perf_counter() - started
            if status != 201:
                code = json.loads(body).get("error", {}).get("code", "?")
                self.upload_samples.add(elapsed, f"{status} {code}")
                continue
            self.upload_samples.add(elapsed, None)
            self.uploaded.put((json.loads(body)["id"], item.destination))

    def download_loop(self) -> None:
        connection = self.connection()
        while not (self.uploads_done.is_set() and self.uploaded.empty()):
            try:
                code, destination = self.uploaded.get(timeout=0.2)
            except queue.Empty:
                continue
            key = self.destination_keys[destination]
            started = time.perf_counter()
            try:
                connection.request(
                    "GET",
                    f"/api/v1/transfers/{code}/content",
                    headers={"Authorization": f"Bearer {key}"},
                )
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.download_samples.add(0, type(error).__name__)
                connection = self.connection()
                continue
            elapsed = time.perf_counter() - started
            if response.status != 200:
                self.download_samples.add(elapsed, str(response.status))
                continue
            self.download_samples.add(elapsed, None)
            self.downloaded_bytes += len(data)
            if time.monotonic() > self.deadline + 5:
                return


def run_load(load: Load, upload_threads: int, download_threads: int) -> float:
    uploaders = [
        threading.Thread(target=load.upload_loop) for _ in range(upload_threads)
    ]
    downloaders = [
        threading.Thread(target=load.download_loop) for _ in range(download_threads)
    ]
    started = time.perf_counter()
    for thread in uploaders + downloaders:
        thread.start()
    for thread in uploaders:
        thread.join()
    elapsed = time.perf_counter() - started
    load.uploads_done.set()
    for thread in downloaders:
        thread.join()
    return elapsed


# --- Where the machine's CPU goes ---------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process and its ended (reaped) children have used so far.

    User and system time of the process, plus that of the children it has
    waited for: the short-lived PostgreSQL backends and any restarted server
    worker still count once they are gone.
    """
    fields = _stat_fields(pid)
    if not fields:
        return 0.0
    ticks = sum(int(fields[index]) for index in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database``.

    Other databases' backends (another benchmark, say) count as other processes;
    so do the server's shared background processes and, without a connection
    pool, backends that ended during the load.
    """
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                words = (entry / "cmdline").read_text().split()
            except OSError:
                continue
            if database in words:
                pids.append(int(entry.name))
    return pids


def machine_busy_seconds() -> float:
    """CPU seconds all the machine's cores have spent busy (``/proc/stat``)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    busy = user + nice + system + irq + softirq + steal
    return busy / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(pids: dict[str, int], database: str) -> dict[str, float]:
    """CPU seconds used so far: each server, PostgreSQL, the client, the rest."""
    snapshot = {
        name: sum(cpu_seconds(member) for member in process_tree(pid))
        for name, pid in pids.items()
    }
    snapshot["postgres"] = sum(cpu_seconds(pid) for pid in postgres_pids(database))
    servers = {member for pid in pids.values() for member in process_tree(pid)}
    snapshot["load client"] = sum(
        cpu_seconds(member)
        for member in process_tree(os.getpid())
        if member not in servers
    )
    snapshot["machine"] = machine_busy_seconds()
    snapshot["seconds"] = time.monotonic()
    return snapshot


def cpu_used(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
    """Cores used on average between two snapshots; "other" is everything else."""
    used = {name: end[name] - start[name] for name in start}
    seconds = used.pop("seconds")
    machine = used.pop("machine")
    used["other processes"] = max(0.0, machine - sum(used.values()))
    used["machine, all"] = machine
    return {name: value / seconds for name, value in used.items()}


# --- Memory of one big upload -----------------------------------------------


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            values[name] = int(rest.split()[0])
    return values


def big_upload_memory(pid: int, port: int, cast: Cast) -> tuple[int, int, int]:
    """Upload a 10 MB CTF as the LA; return RSS before, peak and after (kB)."""
    destination = cast.school_codes[0]
    per_pupil = len(make_ctf("6812000", destination, 1, pupils=11)) - len(
        make_ctf("6812000", destination, 1, pupils=1)
    )
    pupils = BIG_FILE_BYTES // (per_pupil // 10)
    # The header of a file an LA sends is not checked against its name.
    source = cast.school_codes[1]
    data = make_ctf(source, destination, seed=99, pupils=pupils)
    while len(data) > 10 * MB - 64 * 1024:
        pupils = pupils * 95 // 100
        data = make_ctf(source, destination, seed=99, pupils=pupils)
    # Every web process (with gunicorn: the master and each worker) is watched,
    # since any of them may take the upload: its peak is reset first (VmHWM).
    members = process_tree(pid)
    for member in members:
        Path(f"/proc/{member}/clear_refs").write_text("5")
    before = {member: memory_kb(member)["VmRSS"] for member in members}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    status, body = post_file(
        connection, cast.la_key, f"{LA_CODE}LLLL_CTF_{destination}_999.XML", data
    )
    after = {member: memory_kb(member) for member in members}
    if status != 201:
        print(f"10 MB upload refused: {status} {body[:200]!r}")
    print(f"10 MB upload: {len(data) / MB:.1f} MB, {pupils} pupils, HTTP {status}")
    # The process whose peak rose most is the one that handled the upload.
    busiest = max(members, key=lambda member: after[member]["VmHWM"] - before[member])
    return before[busiest], after[busiest]["VmHWM"], after[busiest]["VmRSS"]


# --- Where an upload's time goes ---------------------------------------------


def profile_uploads(cast: Cast, count: int) -> None:
    """Profile ``count`` uploads through Django's test client, in this process."""
    from django.test import Client

    uploads = make_uploads(cast, count, offset=10**7)
    client = Client(SERVER_NAME="127.0.0.1")
    profiler = cProfile.Profile()
    profiler.enable()
    for item in uploads:
        response = client.post(
            "/api/v1/transfers",
            {"file": _named(item.filename, item.data)},
            headers={"Authorization": f"Bearer {item.key}"},
        )
        assert response.status_code == 201, response.content
    profiler.disable()
    print(f"\nWhere {count} uploads spend their time (cumulative, in this process):")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"pontio|django/db|audit|crypto|lxml|multipart", 25)
    print("The same, by time spent in each function itself:")
    stats.sort_stats("tottime").print_stats(15)


def _named(filename: str, data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = filename
    return stream


# --- The report ---------------------------------------------------------------


def report(
    load: Load, elapsed: float, memory: tuple[int, int, int], cpu: dict[str, float]
) -> None:
    uploads, downloads = load.upload_samples, load.download_samples
    rate = len(uploads.latencies) / elapsed
    errors = sum(uploads.errors.values()) + sum(downloads.errors.values())
    before, peak, after = memory
    rows = [
        ("uploads accepted", f"{len(uploads.latencies)}", ""),
        ("upload throughput", f"{rate:.1f} /s", f">= {TARGET_UPLOADS_PER_SECOND} /s"),
        ("upload p50", f"{uploads.percentile(0.50):.0f} ms", ""),
        ("upload p95", f"{uploads.percentile(0.95):.0f} ms", f"< {TARGET_P95_MS} ms"),
        ("upload p99", f"{uploads.percentile(0.99):.0f} ms", ""),
        ("downloads", f"{len(downloads.latencies)}", ""),
        ("download p50", f"{downloads.percentile(0.50):.0f} ms", ""),
        ("download p95", f"{downloads.percentile(0.95):.0f} ms", ""),
        ("errors", f"{errors}", "0"),
        ("10 MB upload: RSS before", f"{before / 1024:.1f} MB", ""),
        (
            "10 MB upload: peak RSS rise",
            f"{(peak - before) / 1024:.1f} MB",
            f"< {TARGET_RSS_MB} MB",
        ),
        ("10 MB upload: RSS after", f"{after / 1024:.1f} MB", ""),
    ]
    print(f"\nLoad for {elapsed:.1f} s on {os.cpu_count()} CPUs\n")
    print(f"| {'measure':<28} | {'result':>12} | {'target':>10} |")
    print(f"| {'-' * 28} | {'-' * 12}: | {'-' * 10} |")
    for name, value, target in rows:
        print(f"| {name:<28} | {value:>12} | {target:>10} |")
    print("\nCPU used during the load (seconds of one core per second):")
    for name, cores in cpu.items():
        print(f"  {name:<16} {cores:.2f}")
    for kind, samples in (("upload", uploads), ("download", downloads)):
        for error, count in sorted(samples.errors.items()):
            print(f"{kind} error {error}: {count}")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    env = setup_environment(args.database)
    recreate_database(args.database)
    try:
        import django

        django.setup()
        cast = make_cast(args.schools)
        expected = int(args.seconds * TARGET_UPLOADS_PER_SECOND * 2.5) + 200
        print(f"Making {expected} single-pupil CTFs ...", flush=True)
        uploads = make_uploads(cast, expected)
        port = free_port()
        web_command = shlex.split(args.server) if args.server else None
        with servers(env, port, web_command) as pids:
            warm = Load(port, uploads[:20], cast.school_keys, time.monotonic() + 30)
            run_load(warm, 2, 1)
            load = Load(
                port, uploads[20:], cast.school_keys, time.monotonic() + args.seconds
            )
            start = cpu_snapshot(pids, args.database)
            elapsed = run_load(load, args.upload_threads, args.download_threads)
            end = cpu_snapshot(pids, args.database)
            memory = big_upload_memory(pids["web server"], port, cast)
        cpu = cpu_used(start, end)
        report(load, elapsed, memory, cpu)
        if args.profile:
            profile_uploads(cast, args.profile)
    finally:
        drop_database(args.database)
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
