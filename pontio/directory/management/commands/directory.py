"""``pontio directory import FILE.csv``: create or update organisations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pontio.directory.services import imports


class Command(BaseCommand):
    help = "Manage the directory of organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser(
            "import",
            help="Create or update organisations from a CSV file (idempotent). "
            "Columns: " + ", ".join(imports.COLUMNS),
        )
        importer.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            result = imports.import_organisations(text)
        except imports.ImportFileError as error:
            for line, reason in error.errors:
                self.stderr.write(f"{path}:{line}: {reason}")
            raise CommandError(
                f"{len(error.errors)} problem(s) found: nothing was imported"
            ) from error
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}"
        )
