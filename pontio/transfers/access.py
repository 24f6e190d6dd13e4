"""Who may see and act on which transfer: the one door to every transfer.

A user sees a transfer through one of three boxes:

- ``inbox``: files addressed to the user's organisation and to the mailbox the
  user's role reads (a school's one inbox; an LA's ``LLLL``, ``PLAS`` and
  ``ADMS`` mailboxes, per ``ROLE_MAILBOX``), of the kinds the role handles
  (LA lost pupil officers only zip files, LA DBAs only CTFs);
- ``outbox``: files sent from the same organisation and mailbox;
- ``la``: the LA's copies of CTFs sent to and from its schools, for roles that
  monitor the LA's transfers, when the LA has chosen to receive copies.

Anything else does not exist as far as the user can tell (404).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from pontio.directory.models import User
from pontio.directory.roles import ROLE_MAILBOX, Capability, Role
from pontio.transfers.models import Transfer

Box = Literal["inbox", "outbox", "la"]
BOXES: tuple[Box, ...] = ("inbox", "outbox", "la")
# Statuses in which a file is still in its recipient's inbox.
IN_INBOX = (Transfer.Status.AWAITING, Transfer.Status.COLLECTED)


def mailbox_of(user: User) -> str | None:
    """Return the mailbox the user's role sends and reads ("" for a school)."""
    organisation = user.organisation
    if organisation.is_school and user.role == Role.SCHOOL:
        return ""
    if organisation.is_la:
        return ROLE_MAILBOX.get(user.role)
    return None


def kinds_for(user: User) -> list[str]:
    """Return the kinds of file the user's role may send and receive."""
    kinds = []
    if user.can(Capability.TRANSFER_CTF):
        kinds.append(Transfer.Kind.CTF.value)
    if user.can(Capability.TRANSFER_GENERIC):
        kinds.append(Transfer.Kind.GENERIC.value)
    return kinds


def _mailbox_condition(user: User, end: str) -> Q | None:
    mailbox = mailbox_of(user)
    kinds = kinds_for(user)
    if mailbox is None or not kinds or not user.is_active:
        return None
    return Q(
        **{
            end: user.organisation_id,
            f"{end}_mailbox": mailbox,
            "kind__in": kinds,
        }
    )


def _la_copies_condition(user: User) -> Q | None:
    organisation = user.organisation
    if not organisation.is_la or not organisation.receive_ctf_copies:
        return None
    if not user.can(Capability.MONITOR_LA_TRANSFERS):
        return None
    # The Lost Pupil Database's files are reached through its own search.
    return (
        Q(kind=Transfer.Kind.CTF)
        & ~Q(route=Transfer.Route.LOST_PUPILS)
        & (Q(source_la=organisation.pk) | Q(destination_la=organisation.pk))
    )


def _box_condition(user: User, box: Box) -> Q | None:
    if box == "inbox":
        condition = _mailbox_condition(user, "destination")
        return condition & Q(status__in=IN_INBOX) if condition is not None else None
    if box == "outbox":
        return _mailbox_condition(user, "source")
    return _la_copies_condition(user)


def transfers_visible_to(user: User, box: Box) -> QuerySet[Transfer]:
    """Return the transfers in one of the user's boxes (see the module)."""
    condition = _box_condition(user, box)
    if condition is None:
        return Transfer.objects.none()
    return Transfer.objects.filter(condition)


def _any_visible_condition(user: User) -> Q | None:
    conditions = [
        _mailbox_condition(user, "destination"),
        _mailbox_condition(user, "source"),
        _la_copies_condition(user),
    ]
    present = [condition for condition in conditions if condition is not None]
    if not present:
        return None
    combined = present[0]
    for condition in present[1:]:
        combined |= condition
    return combined


def get_transfer_for(user: User, code: UUID | str) -> Transfer:
    """Return a transfer the user may see, or raise Http404 for any other."""
    condition = _any_visible_condition(user)
    if condition is None:
        raise Http404
    try:
        code = UUID(str(code))
    except ValueError:
        raise Http404 from None
    # 404, not 403: nobody learns that another organisation's file exists.
    transfer = Transfer.objects.filter(condition, code=code).first()
    if transfer is None:
        raise Http404
    return transfer


def is_recipient(user: User, transfer: Transfer) -> bool:
    """Tell whether the transfer is addressed to the user's mailbox."""
    return (
        user.is_active
        and transfer.destination_id is not None
        and transfer.destination_id == user.organisation_id
        and transfer.destination_mailbox == mailbox_of(user)
        and transfer.kind in kinds_for(user)
    )


def require_recipient(user: User, transfer: Transfer) -> None:
    """Raise PermissionDenied unless the transfer is addressed to the user."""
    if not is_recipient(user, transfer):
        raise PermissionDenied


def may_manage_for_la(user: User, transfer: Transfer) -> bool:
    """Tell whether the user's LA may delete or forward this uncollected file.

    An LA acts on files addressed to its own schools or to its own mailboxes,
    through the roles that monitor its transfers.
    """
    organisation = user.organisation
    return (
        user.can(Capability.MONITOR_LA_TRANSFERS)
        and organisation.is_la
        and transfer.destination_la_id == organisation.pk
        and transfer.route != Transfer.Route.LOST_PUPILS
    )


def get_transfer_for_la(user: User, code: UUID | str) -> Transfer:
    """Return a file the user's LA may delete or forward, or raise Http404."""
    if not user.can(Capability.MONITOR_LA_TRANSFERS) or not user.organisation.is_la:
        raise Http404
    try:
        code = UUID(str(code))
    except ValueError:
        raise Http404 from None
    transfer = Transfer.objects.filter(
        code=code, destination_la=user.organisation_id
    ).first()
    if transfer is None or not may_manage_for_la(user, transfer):
        raise Http404
    return transfer
