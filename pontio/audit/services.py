"""Write and check the audit trail.

``record`` appends one event inside the caller's transaction: the event commits or
rolls back with the change it describes. Appends are serialised on the single
``AuditHead`` row (locked on PostgreSQL; SQLite's immediate transactions already
hold the database's one write lock), so the chain never forks however many
processes write at once.

On PostgreSQL one statement locks the head, computes the new event's hash from the
previous one, advances the head and inserts the event, so the head stays locked
only from that statement to the commit. Call ``record`` as the last write of a
transaction to keep that time short. The hash the database computes is checked
against ``event_hash`` before the statement's result is used.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections, models, router, transaction
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
    alias = router.db_for_write(AuditEvent)
    if connections[alias].vendor == "postgresql":
        return _append_in_one_statement(AuditEvent(**fields), alias)
    with transaction.atomic(using=alias):
        head = _locked_head()
        event = AuditEvent(seq=head.seq + 1, previous_hash=head.last_hash, **fields)
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["seq", "last_hash"])
    return event


# The columns ``_APPEND_SQL`` inserts besides seq, previous_hash and hash.
_EVENT_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "organisation_code",
    "role",
    "action",
    "object_type",
    "object_ref",
    "outcome",
    "ip_address",
    "details",
)
# Lock the head, hash the new event from the head's hash and sequence number (the
# canonical text around them comes from Python), advance the head and insert the
# event: one round trip. The locked sub-select returns the head as it was.
_APPEND_SQL = """
WITH head AS (
    UPDATE audit_audithead AS h
    SET seq = old.seq + 1,
        last_hash = encode(sha256(convert_to(
            %(before)s || old.last_hash || %(between)s || (old.seq + 1)::text || '}',
            'UTF8')), 'hex')
    FROM (
        SELECT id, seq, last_hash FROM audit_audithead WHERE id = %(head)s FOR UPDATE
    ) AS old
    WHERE h.id = old.id
    RETURNING h.seq, old.last_hash AS previous_hash, h.last_hash AS hash
)
INSERT INTO audit_auditevent (
    at, actor_id, actor_label, organisation_code, role, action, object_type,
    object_ref, outcome, ip_address, details, seq, previous_hash, hash
)
SELECT
    %(at)s, %(actor_id)s, %(actor_label)s, %(organisation_code)s, %(role)s,
    %(action)s, %(object_type)s, %(object_ref)s, %(outcome)s, %(ip_address)s,
    %(details)s::jsonb, head.seq, head.previous_hash, head.hash
FROM head
RETURNING id, seq, previous_hash, hash
"""
_PLACEHOLDER_HASH = "p" * 64
_PREVIOUS_KEY = '"previous_hash":"'
_SEQ_END = ',"seq":0}'


def _append_in_one_statement(event: AuditEvent, alias: str) -> AuditEvent:
    """Append ``event`` on PostgreSQL in one statement (see the module docstring)."""
    before, between = _hash_frame(event)
    params = {name: getattr(event, name) for name in _EVENT_COLUMNS}
    params.update(
        details=json.dumps(event.details),
        before=before,
        between=between,
        head=HEAD_PK,
    )
    with transaction.atomic(using=alias, savepoint=False):
        with connections[alias].cursor() as cursor:
            cursor.execute(_APPEND_SQL, params)
            row = cursor.fetchone()
            if row is None:
                _create_head()
                cursor.execute(_APPEND_SQL, params)
                row = cursor.fetchone()
        event.pk, event.seq, event.previous_hash, event.hash = row
        if event_hash(event) != event.hash:
            # Never let a hash that ``verify_chain`` would refuse commit.
            raise RuntimeError("The audit event's hash does not match its fields.")
    event._state.adding = False
    event._state.db = alias
    return event


def _hash_frame(event: AuditEvent) -> tuple[str, str]:
    """The canonical text before the previous hash and between it and the seq.

    The keys are sorted, so the text ends with the previous hash, the role and
    the sequence number. Inside a JSON string every quote is escaped, so the
    previous hash's key with its unescaped quotes is found only where it is.
    """
    event.previous_hash, event.seq = _PLACEHOLDER_HASH, 0
    text = canonical(event).decode("ascii")
    head, found, tail = text.rpartition(f'{_PREVIOUS_KEY}{_PLACEHOLDER_HASH}"')
    if not found or not tail.endswith(_SEQ_END):
        raise RuntimeError("Unexpected canonical form of an audit event.")
    return head + _PREVIOUS_KEY, '"' + tail[: -len("0}")]


def _create_head() -> None:
    AuditHead.objects.get_or_create(
        pk=HEAD_PK, defaults={"seq": 0, "last_hash": GENESIS_HASH}
    )


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # The migration creates the head; a flushed test database may lack it.
        _create_head()
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
