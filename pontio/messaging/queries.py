"""Read-only listings: the inbox, sent messages, unread counts, the LA's report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from pontio.directory.models import Organisation, User
from pontio.messaging import access, sealing
from pontio.messaging.models import Delivery, Message
from pontio.transfers import keys

# The inbox's columns a user may order by (seed 002 section 6.1: "click on a
# heading to re-order the message list"), newest first by default.
INBOX_ORDERS = ("status", "from", "subject", "received")
DEFAULT_INBOX_ORDER = "-received"


@dataclass(frozen=True)
class InboxRow:
    """One received message as the inbox lists it."""

    delivery: Delivery
    subject: str

    @property
    def message(self) -> Message:
        return self.delivery.message


@dataclass(frozen=True)
class SentRow:
    """One sent message, with how many of its recipients have not read it."""

    message: Message
    subject: str
    recipients: int
    unread: int


_INBOX_KEYS: dict[str, Callable[[InboxRow], Any]] = {
    "status": lambda row: row.delivery.is_read,
    "from": lambda row: (
        row.message.sender_organisation.name.casefold(),
        row.message.sender_username.casefold(),
    ),
    "subject": lambda row: row.subject.casefold(),
    "received": lambda row: row.delivery.arrived_at,
}


def clean_order(order: str | None) -> str:
    """Return ``order`` if it names an inbox column (``-`` to reverse), else default."""
    if order and order.removeprefix("-") in INBOX_ORDERS:
        return order
    return DEFAULT_INBOX_ORDER


def inbox_for(user: User, order: str | None = None) -> list[InboxRow]:
    """Return the user's received messages, subjects decrypted, in ``order``.

    The subject is encrypted, so the list is ordered here rather than by the
    database; an inbox holds at most 31 days of messages.
    """
    deliveries = access.deliveries_visible_to(user).select_related(
        "message__sender_organisation", "message__in_reply_to"
    )
    keyring = keys.load_keyring()
    rows = [
        InboxRow(delivery, sealing.unseal(delivery.message, keyring).subject)
        for delivery in deliveries
    ]
    order = clean_order(order)
    column = order.removeprefix("-")
    # Newest first within equal values, whatever the column.
    rows.sort(key=_INBOX_KEYS["received"], reverse=True)
    rows.sort(key=_INBOX_KEYS[column], reverse=order.startswith("-"))
    return rows


def sent_by(user: User) -> list[SentRow]:
    """Return the user's sent messages, newest first, with unread counts."""
    messages = sent_messages_with_counts(user)
    keyring = keys.load_keyring()
    return [
        SentRow(
            message,
            sealing.unseal(message, keyring).subject,
            message.recipient_count,  # type: ignore[attr-defined]
            message.unread_count,  # type: ignore[attr-defined]
        )
        for message in messages
    ]


def sent_messages_with_counts(user: User) -> QuerySet[Message]:
    """Return the user's sent messages annotated with recipient and unread counts."""
    return (
        access.sent_messages_visible_to(user)
        .select_related("sender_organisation", "in_reply_to")
        .annotate(
            recipient_count=Count("deliveries"),
            unread_count=Count(
                "deliveries", filter=Q(deliveries__read_at__isnull=True)
            ),
        )
        .order_by("-sent_at")
    )


def unread_count(user: User) -> int:
    """Return how many of the user's messages are unread."""
    return access.deliveries_visible_to(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class SchoolUnread:
    """A school of the LA and how many unread messages its users hold."""

    school: Organisation
    unread: int
    oldest_arrival: datetime | None


def unread_by_school(la: Organisation) -> list[SchoolUnread]:
    """Return each school of an LA with its count of unread messages.

    Seed 002 section 7.7: the report shows whether schools have unread messages,
    never their content or sender, so nothing else is read here.
    """
    counts = {
        row["organisation"]: row
        for row in Delivery.objects.filter(read_at__isnull=True, organisation__la=la)
        .values("organisation")
        .annotate(unread=Count("id"), oldest=Min("arrived_at"))
    }
    schools = Organisation.objects.filter(la=la, kind=Organisation.Kind.SCHOOL)
    return [
        SchoolUnread(
            school,
            counts.get(school.pk, {}).get("unread", 0),
            counts.get(school.pk, {}).get("oldest"),
        )
        for school in schools.order_by("code")
    ]
