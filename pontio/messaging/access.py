"""Who may open which message, template and group: the one door to each.

A message is visible to its recipients (each through their own copy) and to its
sender, until they delete it; templates and groups to the users of the
organisation that owns them. A user whose role has no messaging sees nothing.
Anything else does not exist as far as the user can tell (404), so nobody learns
that another person's message exists.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.messaging.models import Delivery, Message, MessageGroup, MessageTemplate


def _may_message(user: Any) -> bool:
    return bool(user.is_authenticated and user.can(Capability.MESSAGING))


def _uuid(code: UUID | str) -> UUID:
    try:
        return UUID(str(code))
    except ValueError:
        raise Http404 from None


def deliveries_visible_to(user: Any) -> QuerySet[Delivery]:
    """Return the user's own copies of the messages sent to them."""
    if not _may_message(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(recipient=user.pk)


def sent_messages_visible_to(user: Any) -> QuerySet[Message]:
    """Return the messages the user sent and has not deleted."""
    if not _may_message(user):
        return Message.objects.none()
    return Message.objects.filter(sender=user.pk, sender_deleted_at__isnull=True)


def get_delivery_for(user: User, code: UUID | str) -> Delivery:
    """Return the user's copy of the message ``code``, or raise Http404."""
    delivery = (
        deliveries_visible_to(user)
        .select_related("message__sender_organisation")
        .filter(message__code=_uuid(code))
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def get_sent_message_for(user: User, code: UUID | str) -> Message:
    """Return a message the user sent (and still keeps), or raise Http404."""
    message = sent_messages_visible_to(user).filter(code=_uuid(code)).first()
    if message is None:
        raise Http404
    return message


def get_message_for(user: User, code: UUID | str) -> Message:
    """Return a message the user received or sent, or raise Http404 for any other."""
    if not _may_message(user):
        raise Http404
    received = Q(deliveries__recipient=user.pk)
    sent = Q(sender=user.pk, sender_deleted_at__isnull=True)
    message = (
        Message.objects.filter(received | sent, code=_uuid(code))
        .select_related("sender_organisation")
        .distinct()
        .first()
    )
    if message is None:
        raise Http404
    return message


def templates_visible_to(user: Any) -> QuerySet[MessageTemplate]:
    """Return the templates of the user's organisation."""
    if not _may_message(user):
        return MessageTemplate.objects.none()
    return MessageTemplate.objects.filter(organisation=user.organisation_id)


def get_template_for(user: User, code: UUID | str) -> MessageTemplate:
    """Return a template of the user's organisation, or raise Http404."""
    template = templates_visible_to(user).filter(code=_uuid(code)).first()
    if template is None:
        raise Http404
    return template


def groups_visible_to(user: Any) -> QuerySet[MessageGroup]:
    """Return the message groups of the user's organisation."""
    if not _may_message(user):
        return MessageGroup.objects.none()
    return MessageGroup.objects.filter(organisation=user.organisation_id)


def get_group_for(user: User, code: UUID | str) -> MessageGroup:
    """Return a message group of the user's organisation, or raise Http404."""
    group = groups_visible_to(user).filter(code=_uuid(code)).first()
    if group is None:
        raise Http404
    return group
