"""``pontio keys rotate | retire | status``: manage the master keys of stored files.

- ``rotate`` adds a new current master key and re-wraps every file's data key under
  it (the files are not rewritten). ``rotate --resume`` finishes an interrupted
  rotation without adding another key.
- ``retire`` removes old keys that no file uses any more, once they were replaced
  more than ``--grace-minutes`` ago (default 60). Keep an old key while database
  backups that still refer to it may be restored.
- ``status`` lists the keys and how many files each wraps.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pontio.transfers import keys
from pontio.transfers.crypto import BlobError


class Command(BaseCommand):
    help = "Rotate, retire and list the master keys that wrap stored files' keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        rotate = actions.add_parser("rotate", help="Add a new key; re-wrap every file.")
        rotate.add_argument("--resume", action="store_true")
        rotate.add_argument("--batch-size", type=int, default=keys.REWRAP_BATCH_SIZE)
        retire = actions.add_parser("retire", help="Remove keys no file uses.")
        retire.add_argument("--grace-minutes", type=int, default=60)
        actions.add_parser("status", help="List the keys and their files.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        try:
            if options["action"] == "rotate":
                self._rotate(options["resume"], options["batch_size"])
            elif options["action"] == "retire":
                self._retire(timedelta(minutes=options["grace_minutes"]))
            else:
                self._status()
        except BlobError as error:
            raise CommandError(str(error)) from error

    def _rotate(self, resume: bool, batch_size: int) -> None:
        run = keys.resume_rotation if resume else keys.rotate_master_key
        report = run(batch_size=batch_size, progress=self._progress)
        values = {
            "key": report.key_id,
            "done": report.rewrapped,
            "failed": report.failed,
        }
        self.stdout.write(
            ngettext(
                "Master key %(key)s is current: %(done)s data key re-wrapped, "
                "%(failed)s could not be.",
                "Master key %(key)s is current: %(done)s data keys re-wrapped, "
                "%(failed)s could not be.",
                report.rewrapped,
            )
            % values
        )
        if report.failed:
            raise CommandError(
                ngettext(
                    "%(failed)s data key could not be re-wrapped.",
                    "%(failed)s data keys could not be re-wrapped.",
                    report.failed,
                )
                % values
            )

    def _progress(self, done: int) -> None:
        if self.verbosity > 1:
            self.stdout.write(
                ngettext(
                    "%(done)s data key re-wrapped",
                    "%(done)s data keys re-wrapped",
                    done,
                )
                % {"done": done}
            )

    def _retire(self, grace: timedelta) -> None:
        retired = keys.retire_master_keys(older_than=grace)
        self.stdout.write(
            _("Retired master keys: %(ids)s") % {"ids": ", ".join(retired) or "-"}
        )

    def _status(self) -> None:
        keyring = keys.load_keyring()
        usage = keys.key_usage()
        for key in keyring.keys:
            marker = "*" if key.id == keyring.current_id else " "
            added = key.added_at.isoformat() if key.added_at else "-"
            self.stdout.write(f"{marker} {key.id}\t{added}\t{usage.get(key.id, 0)}")
        for key_id in sorted(set(usage) - {key.id for key in keyring.keys}):
            self.stdout.write(f"! {key_id}\t-\t{usage[key_id]}")
