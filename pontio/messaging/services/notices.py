"""The e-mail that tells a recipient a message waits: never its subject or text."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from pontio.mail import send_templated_email
from pontio.messaging.models import Delivery

TEMPLATE = "messaging/emails/message_waiting"


def _now() -> datetime:
    return timezone.now()


def notify_recipients(message_id: int) -> int:
    """E-mail each recipient of a message once, in their language; return how many.

    Each copy is claimed by a conditional update, so a second run sends nothing.
    """
    sent = 0
    deliveries = Delivery.objects.filter(
        message_id=message_id, notified_at__isnull=True
    ).select_related("recipient", "message__sender_organisation")
    for delivery in deliveries:
        claimed = Delivery.objects.filter(
            pk=delivery.pk, notified_at__isnull=True
        ).update(notified_at=_now())
        recipient = delivery.recipient
        if not claimed or not recipient.is_active:
            continue
        context = {"sender_organisation": delivery.message.sender_organisation.name}
        sent += send_templated_email(
            TEMPLATE, [recipient.email], context, language=recipient.language
        )
    return sent
