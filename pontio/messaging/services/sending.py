"""Sending, reading and deleting messages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.access import require_capability
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.messaging import recipients, sealing, tasks
from pontio.messaging.models import Delivery, Message

MAX_SUBJECT_CHARS = 200
MAX_BODY_CHARS = 20_000


def _now() -> datetime:
    return timezone.now()


def _check_text(subject: str, body: str) -> None:
    errors: dict[str, ValidationError] = {}
    if not subject.strip():
        errors["subject"] = ValidationError(
            _("Enter a subject"), code="subject_required"
        )
    elif len(subject) > MAX_SUBJECT_CHARS:
        errors["subject"] = ValidationError(
            _("The subject must be %(limit)s characters or fewer"),
            code="subject_too_long",
            params={"limit": MAX_SUBJECT_CHARS},
        )
    if not body.strip():
        errors["body"] = ValidationError(_("Enter a message"), code="body_required")
    elif len(body) > MAX_BODY_CHARS:
        errors["body"] = ValidationError(
            _("The message must be %(limit)s characters or fewer"),
            code="body_too_long",
            params={"limit": MAX_BODY_CHARS},
        )
    for field, text in (("subject", subject), ("body", body)):
        if field not in errors and "\x00" in text:
            errors[field] = ValidationError(
                _("Remove the control characters from the text"), code="invalid_text"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def send_message(
    *,
    actor: User,
    to: Sequence[Any],
    subject: str,
    body: str,
    in_reply_to: Message | None = None,
) -> Message:
    """Send a message to the people its recipients name now, and tell them by e-mail."""
    require_capability(actor, Capability.MESSAGING)
    _check_text(subject, body)
    addressed, people = recipients.resolve(to, actor=actor)
    if not people:
        raise ValidationError(
            _("Choose at least one recipient who can receive messages"),
            code="no_recipients",
        )
    code = uuid.uuid4()
    sealed = sealing.seal(code, sealing.Content(subject=subject, body=body))
    now = _now()
    message = Message.objects.create(
        code=code,
        sender=actor,
        sender_organisation=actor.organisation,
        sender_username=actor.username,
        sent_at=now,
        in_reply_to=in_reply_to,
        addressed_to=addressed,
        ciphertext=sealed.ciphertext,
        wrapped_key=sealed.wrapped_key,
        master_key_id=sealed.master_key_id,
    )
    Delivery.objects.bulk_create(
        Delivery(
            message=message,
            recipient=person,
            organisation=person.organisation,
            arrived_at=now,
        )
        for person in people
    )
    audit.record(
        "message.sent",
        actor=actor,
        obj=message,
        recipients=len(people),
        reply=in_reply_to is not None,
    )
    tasks.notify_recipients.enqueue(message_id=message.pk)
    return message


@transaction.atomic
def read_message(delivery: Delivery, *, actor: User) -> sealing.Content:
    """Open a received message; the first reading marks it read."""
    content = sealing.unseal(delivery.message)
    now = _now()
    first = Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=now
    )
    if first:
        delivery.read_at = now
        audit.record("message.read", actor=actor, obj=delivery.message)
    return content


@transaction.atomic
def delete_received_message(delivery: Delivery, *, actor: User) -> None:
    """Delete a message from the recipient's inbox."""
    message = delivery.message
    delivery.delete()
    audit.record("message.deleted", actor=actor, obj=message, box="inbox")
    _forget_if_unreachable(message)


@transaction.atomic
def delete_sent_message(message: Message, *, actor: User) -> None:
    """Remove a message from its sender's sent messages (recipients keep theirs)."""
    message.sender_deleted_at = _now()
    message.save(update_fields=["sender_deleted_at"])
    audit.record("message.deleted", actor=actor, obj=message, box="sent")
    _forget_if_unreachable(message)


def _forget_if_unreachable(message: Message) -> None:
    # Once nobody can open it any more, the encrypted text goes too.
    if message.sender_deleted_at and not message.deliveries.exists():
        message.delete()
