"""``pontio audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pontio.audit import services
from pontio.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail. Exit 1 and name the first broken entry if tampered."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("verify", help="check the hash chain")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        result = services.verify_chain()
        if result.ok:
            self.stdout.write(f"ok: {result.count} events, chain intact")
            return
        self.stdout.write(self._describe(result))
        raise CommandError("the audit trail has been tampered with", returncode=1)

    def _describe(self, result: services.VerifyResult) -> str:
        lines = [f"BROKEN: {result.reason} after {result.count} intact events"]
        if result.broken_id is not None:
            event = AuditEvent.objects.get(pk=result.broken_id)
            lines.append(
                f"first broken entry: id={event.pk} seq={event.seq} "
                f"at={event.at.isoformat()} action={event.action} "
                f"actor={event.actor_label or '-'}"
            )
        else:
            lines.append(f"head records seq={result.broken_seq}")
        return "\n".join(lines)
