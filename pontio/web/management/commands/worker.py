"""``pontio worker``: run background tasks and the periodic schedule."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.core.management.base import BaseCommand

from pontio.ops.worker import new_worker_id, run_worker


class Command(BaseCommand):
    help = "Run the task worker and the scheduler (Ctrl-C or SIGTERM stops them)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when the queue is empty (default 1)",
        )
        parser.add_argument("--worker-id", default="", help="unique id of this worker")
        parser.add_argument(
            "--parent-pid",
            type=int,
            default=None,
            help="stop when this process (pontio serve) is gone",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] > 0:
            logging.getLogger("pontio").setLevel(logging.INFO)
        run_worker(
            worker_id=options["worker_id"] or new_worker_id(),
            interval=max(options["interval"], 0.0),
            parent_pid=options["parent_pid"],
        )
