"""Secure messages: send, list the inbox or sent messages, read one.

``POST /api/v1/messages``, ``GET /api/v1/messages?box=inbox|sent`` and
``GET /api/v1/messages/{id}`` (``id`` is the message's public code). Reading a
received message marks it read, as opening it in a page does. The handlers call
the same access, query and service functions as the pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from pontio.api.auth import user_of
from pontio.directory.access import require_capability
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.messaging import access, queries, sealing, services
from pontio.messaging.models import Delivery, Message

router = Router(tags=["messages"])


class RecipientIn(Schema):
    """One recipient entry: exactly one of ``user``, ``organisation``, ``la`` (with
    ``roles``) or ``group``."""

    model_config = ConfigDict(extra="forbid")

    user: str | None = None
    organisation: str | None = None
    la: str | None = None
    roles: list[str] | None = None
    group: str | None = None

    def entry(self) -> dict[str, Any]:
        return {
            key: value for key, value in self.model_dump().items() if value is not None
        }


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to: list[RecipientIn] = Field(..., min_length=1)
    subject: str
    body: str


class SenderOut(Schema):
    username: str
    organisation: str
    organisation_name: str


class MessageSummaryOut(Schema):
    id: UUID
    subject: str
    sender: SenderOut
    sent_at: datetime
    in_reply_to: UUID | None = None
    # Inbox items: whether the caller has read it.
    read: bool | None = None
    # Sent items: the recipients, and how many of them have not read it yet.
    recipients: int | None = None
    unread_count: int | None = None


class MessageOut(MessageSummaryOut):
    body: str
    to: list[dict[str, Any]]


class MessageListOut(Schema):
    items: list[MessageSummaryOut]


def _summary(message: Message, subject: str, **extra: Any) -> dict[str, Any]:
    organisation = message.sender_organisation
    return {
        "id": message.code,
        "subject": subject,
        "sender": {
            "username": message.sender_username,
            "organisation": organisation.code,
            "organisation_name": organisation.name,
        },
        "sent_at": message.sent_at,
        "in_reply_to": message.in_reply_to.code if message.in_reply_to else None,
        **extra,
    }


def _sent_counts(message: Message) -> dict[str, int]:
    deliveries = message.deliveries.all()
    return {
        "recipients": deliveries.count(),
        "unread_count": deliveries.filter(read_at__isnull=True).count(),
    }


def _detail(message: Message, content: sealing.Content, **extra: Any) -> dict[str, Any]:
    return {
        **_summary(message, content.subject, **extra),
        "body": content.body,
        "to": message.addressed_to,
    }


@router.post(
    "/messages",
    response={201: MessageOut},
    exclude_none=True,
    summary="Send a secure message",
)
def send(request: HttpRequest, payload: MessageIn) -> tuple[int, dict[str, Any]]:
    """Send a message; recipients are resolved now and kept with it."""
    user = user_of(request)
    message = services.send_message(
        actor=user,
        to=[recipient.entry() for recipient in payload.to],
        subject=payload.subject,
        body=payload.body,
    )
    content = sealing.Content(subject=payload.subject, body=payload.body)
    return Status(201, _detail(message, content, **_sent_counts(message)))


@router.get(
    "/messages",
    response=MessageListOut,
    exclude_none=True,
    summary="The caller's received or sent messages",
)
def list_messages(
    request: HttpRequest, box: Literal["inbox", "sent"] = "inbox"
) -> dict[str, Any]:
    """List received messages (with ``read``) or sent ones (with ``unread_count``)."""
    user = user_of(request)
    require_capability(user, Capability.MESSAGING)
    if box == "inbox":
        items = [
            _summary(row.message, row.subject, read=row.delivery.is_read)
            for row in queries.inbox_for(user)
        ]
    else:
        items = [
            _summary(
                row.message,
                row.subject,
                recipients=row.recipients,
                unread_count=row.unread,
            )
            for row in queries.sent_by(user)
        ]
    return {"items": items}


@router.get(
    "/messages/{code}",
    response=MessageOut,
    exclude_none=True,
    summary="One message; reading a received message marks it read",
)
def read(request: HttpRequest, code: str) -> dict[str, Any]:
    """Return a message the caller received or sent; anyone else gets 404."""
    user = user_of(request)
    require_capability(user, Capability.MESSAGING)
    message = access.get_message_for(user, code)
    delivery = _own_copy(user, message)
    if delivery is not None:
        content = services.read_message(delivery, actor=user)
        return _detail(message, content, read=True)
    return _detail(message, sealing.unseal(message), **_sent_counts(message))


def _own_copy(user: User, message: Message) -> Delivery | None:
    return (
        access.deliveries_visible_to(user)
        .select_related("message")
        .filter(message=message)
        .first()
    )
