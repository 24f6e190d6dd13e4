"""``pontio serve --demo`` as a real process: it starts, is healthy, and stops."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[2]
START_DEADLINE_SECONDS = 90
POLL_SECONDS = 0.5
PONTIO = [sys.executable, "-m", "pontio.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the ")" closing the name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return children


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)
    except OSError:
        return None


class ServeTests(SimpleTestCase):
    def test_serves_healthy_with_a_worker_and_stops_everything_on_ctrl_c(self) -> None:
        port = free_port()
        with tempfile.TemporaryDirectory() as data_dir:
            # The product's own settings and embedded mode, in a fresh data folder.
            env = {
                **os.environ,
                "PONTIO_DATA_DIR": data_dir,
                "DJANGO_SETTINGS_MODULE": "pontio.settings",
            }
            env.pop("DATABASE_URL", None)
            log_path = Path(data_dir) / "serve.log"
            with log_path.open("w") as log:
                serve = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "pontio.cli",
                        "serve",
                        "--demo",
                        "--port",
                        str(port),
                    ],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            try:
                status = self.wait_until_healthy(serve, port)
                self.assertEqual(
                    status,
                    {"status": "ok", "database": "ok", "storage": "ok", "worker": "ok"},
                    log_path.read_text(),
                )
                children = children_of(serve.pid)
                self.assertTrue(children)
                serve.send_signal(signal.SIGINT)
                self.assertEqual(serve.wait(timeout=60), 0, log_path.read_text())
                self.assertEqual([pid for pid in children if is_running(pid)], [])
            finally:
                if serve.poll() is None:
                    for pid in children_of(serve.pid):
                        os.kill(pid, signal.SIGKILL)
                    serve.kill()
                    serve.wait()
            output = log_path.read_text()
            self.assertIn("demo_la_dba", output)
            self.assertIn("otpauth://totp/", output)
            with sqlite3.connect(Path(data_dir) / "pontio.sqlite3") as database:
                claimed = database.execute("SELECT COUNT(*) FROM audit_scheduledrun")
                self.assertGreater(claimed.fetchone()[0], 0)
                beats = database.execute("SELECT COUNT(*) FROM audit_workerheartbeat")
                # A stopped worker removes its heartbeat.
                self.assertEqual(beats.fetchone()[0], 0)

    def wait_until_healthy(self, serve: subprocess.Popen, port: int) -> dict | None:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        status = None
        while time.monotonic() < deadline and serve.poll() is None:
            status = health(port)
            if status and status.get("status") == "ok":
                break
            time.sleep(POLL_SECONDS)
        return status
