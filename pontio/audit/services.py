"""Write and check the audit trail.

``record`` appends one event inside the caller's transaction: the event commits or
rolls back with the change it describes. Appends are serialised on the single
``AuditHead`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's immediate
transactions already hold the database's one write lock), so the chain never forks
however many processes write at once.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from pontio.audit.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_PK = 1
VERIFY_CHUNK_ROWS = 2000

DetailValue = str | int | bool | None


def _now() -> datetime:
    return timezone.now()


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    organisation: Any = None,
    outcome: str = "success",
    request: HttpRequest | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction.

    ``actor`` is the user who acted, or None (an anonymous attempt: keep what was
    tried, such as the username, in ``details``). ``organisation`` defaults to the
    actor's. ``obj`` is referred to by its public ``code``, never by a UPN.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    fields = {
        "at": _now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor.get_username() if actor is not None else "",
        "organisation_code": _organisation_code(actor, organisation),
        "role": getattr(actor, "role", "") or "",
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_ref": _object_ref(obj),
        "outcome": outcome,
        "ip_address": _ip_address(request),
        "details": {key: _detail(value) for key, value in details.items()},
    }
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(seq=head.seq + 1, previous_hash=head.last_hash, **fields)
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["seq", "last_hash"])
    return event


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # The migration creates the head; a flushed test database may lack it.
        AuditHead.objects.get_or_create(
            pk=HEAD_PK, defaults={"seq": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def _organisation_code(actor: Any, organisation: Any) -> str:
    if organisation is not None:
        return str(organisation.code)
    if actor is not None and getattr(actor, "organisation_id", None) is not None:
        return str(actor.organisation.code)
    return ""


def _object_ref(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    code = getattr(obj, "code", None)
    return str(code if code is not None else obj.pk)


def _ip_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return ""


def _detail(value: Any) -> DetailValue:
    # Only JSON values that survive a round trip unchanged keep the hash stable.
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def canonical(event: AuditEvent) -> bytes:
    """Serialise an event's recorded fields and previous hash, always alike."""
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": event.seq,
        "at": at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_code": event.organisation_code,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_ref": event.object_ref,
        "outcome": event.outcome,
        "ip_address": event.ip_address,
        "details": event.details,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 (hex) that chains ``event`` to the one before it."""
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain: where it first breaks, and why."""

    ok: bool
    count: int
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> VerifyResult:
    """Check every event's hash and link, in order; report the first break.

    Reasons: ``hash_mismatch`` (a row was changed), ``sequence_gap`` (a row was
    removed), ``previous_hash_mismatch`` (a row was inserted or replaced),
    ``head_mismatch`` (rows were removed from the end, added past it, or the head
    was altered). Runs without locks: events appended meanwhile are left for the
    next run.
    """
    head_seq, head_hash = _head()
    expected_seq = 1
    previous = GENESIS_HASH
    events = (
        AuditEvent.objects.filter(seq__lte=head_seq)
        .order_by("seq")
        .iterator(chunk_size=VERIFY_CHUNK_ROWS)
    )
    for event in events:
        reason = _first_problem(event, expected_seq, previous)
        if reason:
            return VerifyResult(False, expected_seq - 1, event.pk, event.seq, reason)
        previous = event.hash
        expected_seq += 1
    count = expected_seq - 1
    if count != head_seq or previous != head_hash:
        return VerifyResult(False, count, None, head_seq, "head_mismatch")
    # Rows past the head as it is now were never appended by ``record``.
    if AuditEvent.objects.filter(seq__gt=_head()[0]).exists():
        return VerifyResult(False, count, None, head_seq, "head_mismatch")
    return VerifyResult(True, count)


def _head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    return (head.seq, head.last_hash) if head else (0, GENESIS_HASH)


def _first_problem(event: AuditEvent, expected_seq: int, previous: str) -> str:
    if event.seq != expected_seq:
        return "sequence_gap"
    if event.previous_hash != previous:
        return "previous_hash_mismatch"
    if event_hash(event) != event.hash:
        return "hash_mismatch"
    return ""
