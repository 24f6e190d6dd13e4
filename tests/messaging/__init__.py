"""Tests of secure messaging, its pages are at ``/messages/``."""

from __future__ import annotations

from typing import Any

from pontio.audit.models import AuditEvent
from pontio.directory.models import User
from pontio.messaging import services
from pontio.messaging.models import Delivery, Message
from tests.base import PontioTestCase


class MessagingTestCase(PontioTestCase):
    """The shared cast, with helpers to send and inspect messages."""

    def send(
        self,
        sender: User,
        to: list[dict[str, Any]],
        subject: str = "CTF for a pupil who left in June",
        body: str = "Please send the CTF for the pupil we discussed.",
    ) -> Message:
        return services.send_message(actor=sender, to=to, subject=subject, body=body)

    def recipients_of(self, message: Message) -> set[str]:
        return set(
            Delivery.objects.filter(message=message).values_list(
                "recipient__username", flat=True
            )
        )

    def delivery(self, message: Message, user: User) -> Delivery:
        return Delivery.objects.get(message=message, recipient=user)

    def actions(self) -> list[str]:
        return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
