"""The ``pontio`` command: Django's management commands plus Pontio's own.

``pontio ctf ...`` and ``pontio upn ...`` belong to the CTF toolkit, which is pure
Python and runs without Django or a database. Everything else is a management
command (``pontio serve``, ``pontio worker``, ``pontio directory import``...).
"""

from __future__ import annotations

import os
import sys

TOOLKIT_COMMANDS = {"ctf", "upn"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in TOOLKIT_COMMANDS:
        from pontio.ctf.cli import main as toolkit_main

        return toolkit_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pontio.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
