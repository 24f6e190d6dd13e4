"""Message templates: add, update, copy and delete (seed 002 section 6.7)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.directory.access import require_capability
from pontio.directory.models import User
from pontio.directory.roles import Capability
from pontio.messaging.models import MessageTemplate

MAX_NAME_CHARS = 100


def _now() -> datetime:
    return timezone.now()


def _check_name_free(
    name: str, actor: User, template: MessageTemplate | None = None
) -> None:
    same = MessageTemplate.objects.filter(organisation=actor.organisation_id, name=name)
    if template is not None:
        same = same.exclude(pk=template.pk)
    if same.exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Your organisation already has a template called %(name)s"),
                    code="duplicate_template_name",
                    params={"name": name},
                )
            }
        )


@transaction.atomic
def create_template(
    *, actor: User, name: str, subject: str, text: str
) -> MessageTemplate:
    """Add a template shared by the users of the actor's organisation."""
    require_capability(actor, Capability.MESSAGING)
    _check_name_free(name, actor)
    template = MessageTemplate.objects.create(
        organisation=actor.organisation, name=name, subject=subject, text=text
    )
    audit.record("message_template.created", actor=actor, obj=template)
    return template


@transaction.atomic
def update_template(
    template: MessageTemplate, *, actor: User, name: str, subject: str, text: str
) -> None:
    """Change a template's name, subject and text."""
    _check_name_free(name, actor, template)
    template.name, template.subject, template.text = name, subject, text
    template.updated_at = _now()
    template.save(update_fields=["name", "subject", "text", "updated_at"])
    audit.record("message_template.updated", actor=actor, obj=template)


def _copy_name(template: MessageTemplate) -> str:
    taken = set(
        MessageTemplate.objects.filter(
            organisation=template.organisation_id
        ).values_list("name", flat=True)
    )
    number = 1
    while True:
        name = gettext("Copy %(number)s of %(name)s") % {
            "number": number,
            "name": template.name,
        }
        name = name[:MAX_NAME_CHARS]
        if name not in taken:
            return name
        number += 1


@transaction.atomic
def copy_template(template: MessageTemplate, *, actor: User) -> MessageTemplate:
    """Add a copy of a template, under a new name, to be edited."""
    copy = MessageTemplate.objects.create(
        organisation=template.organisation,
        name=_copy_name(template),
        subject=template.subject,
        text=template.text,
    )
    audit.record(
        "message_template.copied", actor=actor, obj=copy, source=str(template.code)
    )
    return copy


@transaction.atomic
def delete_template(template: MessageTemplate, *, actor: User) -> None:
    """Delete a template for good: it cannot be restored."""
    audit.record(
        "message_template.deleted", actor=actor, obj=template, name=template.name
    )
    template.delete()
