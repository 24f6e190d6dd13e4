"""``pontio serve``: migrate, then run the web server, the worker and the scheduler.

The web server (waitress) runs in this process; the worker and scheduler run as a
child ``pontio worker``, in its own session so that a terminal's Ctrl-C reaches
only this process, which then stops the child and waits for it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from pontio.directory import demo as demo_data

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SERVER_THREADS = 8
WORKER_STOP_SECONDS = 30
DEMO_ROW = "{:<28} {:<24} {:<34} {}"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run Pontio: web server, task worker and scheduler. Ctrl-C stops all."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default=DEFAULT_HOST)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument(
            "--demo",
            action="store_true",
            help="load demo organisations and users, and print how to sign in",
        )

    def handle(
        self, *args: Any, host: str, port: int, demo: bool, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # The pages need the hashed static files; quick when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
        base_url = f"http://{host}:{port}"
        if demo:
            self.print_demo_logins(base_url)
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [
                sys.executable,
                "-m",
                "pontio.cli",
                "worker",
                "--parent-pid",
                str(os.getpid()),
            ],
            start_new_session=True,
        )
        # Explicit, because a shell starting us in the background ignores SIGINT.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.serve(host, port, base_url)
        finally:
            self.stop_worker(worker)

    def serve(self, host: str, port: int, base_url: str) -> None:
        from waitress import create_server

        from pontio.wsgi import application

        server = create_server(
            application, host=host, port=port, threads=SERVER_THREADS
        )
        self.stdout.write(f"Pontio is running at {base_url}/ (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            server.run()  # returns on KeyboardInterrupt, after closing
        except KeyboardInterrupt:
            pass
        finally:
            server.close()

    def stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write("Pontio stopped")

    def print_demo_logins(self, base_url: str) -> None:
        logins = demo_data.load_demo()
        try:
            sign_in = base_url + reverse("account:sign_in")
        except NoReverseMatch:
            sign_in = base_url + "/"
        lines = [
            "",
            f"Demo data loaded. Sign in at {sign_in}",
            f"Password of every demo user: {demo_data.DEMO_PASSWORD}",
            "Second step: a code from an authenticator app set up with the user's",
            "secret below (or `oathtool --totp -b SECRET`).",
            "",
            DEMO_ROW.format("username", "role", "TOTP secret (base32)", "organisation"),
        ]
        lines += [
            DEMO_ROW.format(row.username, row.role, row.totp_secret, row.organisation)
            for row in logins
        ]
        lines += ["", "otpauth:// URIs (for an authenticator app or a QR code):"]
        lines += [f"  {row.otpauth_uri}" for row in logins]
        lines += [
            "",
            "Demo secrets are public: never load demo data on a real service.",
        ]
        self.stdout.write("\n".join(lines))
