"""Secure messaging's services: every change to messages goes through here."""

from pontio.messaging.services.expiry import expire_messages
from pontio.messaging.services.groups import create_group, delete_group, update_group
from pontio.messaging.services.notices import notify_recipients
from pontio.messaging.services.sending import (
    delete_received_message,
    delete_sent_message,
    read_message,
    send_message,
)
from pontio.messaging.services.templates import (
    copy_template,
    create_template,
    delete_template,
    update_template,
)

__all__ = [
    "copy_template",
    "create_group",
    "create_template",
    "delete_group",
    "delete_received_message",
    "delete_sent_message",
    "delete_template",
    "expire_messages",
    "notify_recipients",
    "read_message",
    "send_message",
    "update_group",
    "update_template",
]
