"""The daily expiry of messages (seed 002 section 6.1)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pontio.audit import services as audit
from pontio.messaging.models import READ_LIFETIME, UNREAD_LIFETIME, Delivery, Message


def _now() -> datetime:
    return timezone.now()


@transaction.atomic
def expire_messages() -> int:
    """Delete copies unread 31 days after arrival or read 14 days ago.

    A message itself, with its encrypted text, goes once no recipient holds a
    copy and its sender has deleted it or sent it 31 days ago. Returns how many
    recipients' copies were deleted. Running it twice changes nothing more.
    """
    now = _now()
    expired = Delivery.objects.filter(
        Q(read_at__isnull=True, arrived_at__lte=now - UNREAD_LIFETIME)
        | Q(read_at__lte=now - READ_LIFETIME)
    )
    copies, _by_model = expired.delete()
    abandoned = Message.objects.filter(deliveries__isnull=True).filter(
        Q(sender_deleted_at__isnull=False) | Q(sent_at__lte=now - UNREAD_LIFETIME)
    )
    messages, _by_model = abandoned.delete()
    if copies or messages:
        audit.record("message.expired", actor=None, copies=copies, messages=messages)
    return copies
