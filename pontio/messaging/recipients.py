"""Recipients as a sender chooses them, and the people they resolve to.

An entry is a small JSON object, the same in pages, groups and the API:

- ``{"user": "6812003office"}``: one named user;
- ``{"organisation": "6812003"}``: every messaging user of a school (or of an LA,
  or of the central administration);
- ``{"la": "681", "roles": ["la_user", "la_lost_pupil"]}``: an LA's users who
  hold those roles (seed 002 section 6.4);
- ``{"group": "<code>"}``: a message group of the sender's organisation.

Entries are checked against the directory when they are chosen and resolved to
people when the message is sent; nobody outside them receives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import Organisation, User
from pontio.directory.roles import LA_ROLES, Capability, Role, has_capability
from pontio.messaging import access
from pontio.messaging.models import MessageGroup

Entry = dict[str, Any]
MAX_ENTRIES = 200

# The roles that send and receive messages, and the LA roles among them.
MESSAGING_ROLES = tuple(
    role.value for role in Role if has_capability(role, Capability.MESSAGING)
)
LA_MESSAGING_ROLES = tuple(role for role in MESSAGING_ROLES if role in LA_ROLES)


def _invalid(message: Any, code: str, **params: str) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def messaging_users() -> QuerySet[User]:
    """Return the active users who may receive messages."""
    return User.objects.filter(
        is_active=True, organisation__is_active=True, role__in=MESSAGING_ROLES
    )


def encode(entry: Entry) -> str:
    """Return an entry as the compact text a form carries."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> Entry:
    """Read an entry back from a form; malformed text is an invalid recipient."""
    try:
        entry = json.loads(text)
    except ValueError:
        raise _invalid(_("Choose recipients again"), "invalid_recipient") from None
    if not isinstance(entry, dict):
        raise _invalid(_("Choose recipients again"), "invalid_recipient")
    return entry


@dataclass
class Checked:
    """Entries in their normal form, each with its label, and the people found."""

    entries: list[Entry] = field(default_factory=list)
    user_ids: set[int] = field(default_factory=set)

    def add(self, entry: Entry, users: Iterable[int]) -> None:
        if entry not in self.entries:
            self.entries.append(entry)
        self.user_ids.update(users)


def check(entries: Sequence[Any], *, actor: User, allow_groups: bool = True) -> Checked:
    """Check each entry against the directory and find the people it names.

    Raises ``ValidationError`` (codes ``unknown_user``, ``unknown_organisation``,
    ``unknown_la``, ``unknown_role``, ``unknown_group``, ``invalid_recipient``,
    ``too_many_recipients``) at the first entry that names nobody valid.
    """
    if len(entries) > MAX_ENTRIES:
        raise _invalid(
            _("Choose at most %(count)s recipients"),
            "too_many_recipients",
            count=str(MAX_ENTRIES),
        )
    checked = Checked()
    for entry in entries:
        _check_one(entry, actor, checked, allow_groups=allow_groups)
    return checked


def _check_one(
    entry: Any, actor: User, checked: Checked, *, allow_groups: bool
) -> None:
    if not isinstance(entry, dict) or len(entry.keys() - {"name"}) == 0:
        raise _invalid(_("Choose recipients again"), "invalid_recipient")
    keys = set(entry) - {"name"}
    if keys == {"user"}:
        _check_user(entry["user"], checked)
    elif keys == {"organisation"}:
        _check_organisation(entry["organisation"], checked)
    elif keys == {"la", "roles"}:
        _check_la_roles(entry["la"], entry["roles"], checked)
    elif keys == {"group"} and allow_groups:
        _check_group(entry["group"], actor, checked)
    else:
        raise _invalid(_("Choose recipients again"), "invalid_recipient")


def _check_user(username: Any, checked: Checked) -> None:
    user = None
    if isinstance(username, str):
        user = messaging_users().filter(username=username).first()
    if user is None:
        # The same answer for an unknown user and one who cannot receive messages.
        raise _invalid(
            _("There is no user %(username)s who can receive messages"),
            "unknown_user",
            username=str(username)[:150],
        )
    checked.add({"user": user.username}, [user.pk])


def _check_organisation(code: Any, checked: Checked) -> None:
    organisation = Organisation.objects.filter(code=str(code), is_active=True).first()
    if not isinstance(code, str) or organisation is None:
        raise _invalid(
            _("There is no school or local authority %(organisation)s"),
            "unknown_organisation",
            organisation=str(code)[:16],
        )
    users = messaging_users().filter(organisation=organisation)
    entry = {"organisation": organisation.code, "name": organisation.name}
    checked.add(entry, users.values_list("pk", flat=True))


def _check_la_roles(code: Any, roles: Any, checked: Checked) -> None:
    la = Organisation.objects.filter(
        code=str(code), kind=Organisation.Kind.LA, is_active=True
    ).first()
    if not isinstance(code, str) or la is None:
        raise _invalid(
            _("There is no local authority %(la)s"), "unknown_la", la=str(code)[:16]
        )
    if not isinstance(roles, list) or not roles:
        raise _invalid(_("Choose at least one role"), "unknown_role", role="")
    for role in roles:
        if role not in LA_MESSAGING_ROLES:
            raise _invalid(
                _("%(role)s is not a role that receives messages"),
                "unknown_role",
                role=str(role)[:32],
            )
    chosen = sorted(set(roles), key=LA_MESSAGING_ROLES.index)
    users = messaging_users().filter(organisation=la, role__in=chosen)
    entry = {"la": la.code, "roles": chosen, "name": la.name}
    checked.add(entry, users.values_list("pk", flat=True))


def _check_group(code: Any, actor: User, checked: Checked) -> None:
    group = _group_of(actor, code)
    if group is None:
        raise _invalid(_("Choose one of your message groups"), "unknown_group")
    # A group's entries were checked when it was saved; they are checked again
    # here because the directory may have changed since.
    inner = check(group.entries, actor=actor, allow_groups=False)
    checked.add({"group": str(group.code), "name": group.name}, inner.user_ids)


def _group_of(actor: User, code: Any) -> MessageGroup | None:
    try:
        code = UUID(str(code))
    except ValueError:
        return None
    return access.groups_visible_to(actor).filter(code=code).first()


def resolve(entries: Sequence[Any], *, actor: User) -> tuple[list[Entry], list[User]]:
    """Return the entries in normal form and the people they name, sender aside."""
    checked = check(entries, actor=actor)
    people = (
        messaging_users()
        .filter(pk__in=checked.user_ids)
        .exclude(pk=actor.pk)
        .select_related("organisation")
        .order_by("pk")
    )
    return checked.entries, list(people)


def role_label(role: str) -> str:
    """Return the translated name of a role."""
    return str(Role(role).label) if role in Role.values else role
