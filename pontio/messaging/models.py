"""Secure messages, their recipients, message templates and message groups.

A message's subject and text are stored encrypted, as stored files are: a fresh
data key per message, wrapped under the current master key (``pontio.messaging.
sealing``). The recipients are resolved when the message is sent: one
``Delivery`` per person, which holds that person's read state.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Seed 002 section 6.1: unread messages go after 31 days, read ones 14 days after
# being read.
UNREAD_LIFETIME = timedelta(days=31)
READ_LIFETIME = timedelta(days=14)


class Message(models.Model):
    """One message as sent, with its encrypted content.

    ``addressed_to`` keeps the recipients as the sender chose them (schools, an
    LA's roles, groups, named users), for the sender's record; the people they
    resolved to are the message's deliveries.
    """

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(
        "directory.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Kept so the message still says who sent it once the account is deleted.
    sender_username = models.CharField(max_length=150)
    sent_at = models.DateTimeField(default=timezone.now)
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    addressed_to = models.JSONField(default=list)
    ciphertext = models.BinaryField()
    wrapped_key = models.BinaryField(max_length=128)
    master_key_id = models.CharField(max_length=32)
    # The sender removed it from their sent messages.
    sender_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            # Key rotation: the messages still wrapped under an older key, by pk.
            models.Index(fields=["master_key_id", "id"], name="message_key_idx"),
            # Sent messages: a user's own, newest first.
            models.Index(fields=["sender", "-sent_at"], name="message_sender_idx"),
        ]

    def __str__(self) -> str:
        return str(self.code)


class Delivery(models.Model):
    """One recipient's copy of a message: arrival, read state, e-mail notice."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        "directory.User", on_delete=models.CASCADE, related_name="+"
    )
    # Kept for the LA's message report, which counts by school.
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    arrived_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "recipient"], name="delivery_one_per_recipient"
            ),
        ]
        indexes = [
            # Inbox and the unread banner: a user's deliveries by read state.
            models.Index(fields=["recipient", "read_at"], name="delivery_inbox_idx"),
            # Daily expiry: unread by arrival, read by reading time.
            models.Index(fields=["read_at", "arrived_at"], name="delivery_expiry_idx"),
            # The LA's message report: unread copies per school.
            models.Index(
                fields=["organisation"],
                condition=Q(read_at__isnull=True),
                name="delivery_unread_org_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def expires_at(self) -> datetime:
        """When the daily job deletes this copy (seed 002 section 6.1)."""
        if self.read_at is not None:
            return self.read_at + READ_LIFETIME
        return self.arrived_at + UNREAD_LIFETIME


class MessageTemplate(models.Model):
    """Reusable message text, shared by the users of one organisation."""

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("template name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="template_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MessageGroup(models.Model):
    """A named set of recipients, kept for one organisation.

    ``entries`` are recipients in the form the sender chose them (see
    ``pontio.messaging.services.recipients``); they are resolved to people each
    time a message is sent to the group.
    """

    code = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("group name"), max_length=100)
    entries = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="group_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name
