"""Message groups: named recipient sets kept per organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.access import require_capability
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.messaging import recipients
from pontio.messaging.models import MessageGroup


def _checked_entries(entries: Sequence[Any], actor: User) -> list[recipients.Entry]:
    checked = recipients.check(entries, actor=actor, allow_groups=False)
    if not checked.entries:
        raise ValidationError(
            _("Add at least one recipient to the group"), code="empty_group"
        )
    return checked.entries


def _check_name_free(name: str, actor: User, group: MessageGroup | None) -> None:
    same = MessageGroup.objects.filter(organisation=actor.organisation_id, name=name)
    if group is not None:
        same = same.exclude(pk=group.pk)
    if same.exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Your organisation already has a group called %(name)s"),
                    code="duplicate_group_name",
                    params={"name": name},
                )
            }
        )


@transaction.atomic
def create_group(*, actor: User, name: str, entries: Sequence[Any]) -> MessageGroup:
    """Save a named set of recipients for the actor's organisation."""
    require_capability(actor, Capability.MESSAGING)
    _check_name_free(name, actor, None)
    group = MessageGroup.objects.create(
        organisation=actor.organisation,
        name=name,
        entries=_checked_entries(entries, actor),
    )
    audit.record("message_group.created", actor=actor, obj=group)
    return group


@transaction.atomic
def update_group(
    group: MessageGroup, *, actor: User, name: str, entries: Sequence[Any]
) -> None:
    """Rename a group and replace its recipients."""
    _check_name_free(name, actor, group)
    group.name = name
    group.entries = _checked_entries(entries, actor)
    group.save(update_fields=["name", "entries"])
    audit.record("message_group.updated", actor=actor, obj=group)


@transaction.atomic
def delete_group(group: MessageGroup, *, actor: User) -> None:
    """Delete a group; messages already sent to it keep their recipients."""
    audit.record("message_group.deleted", actor=actor, obj=group, name=group.name)
    group.delete()
