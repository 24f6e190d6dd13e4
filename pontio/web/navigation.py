"""The menu: one declarative list of what a signed-in user may open.

Seed 002 section 2: "The options available will vary dependant on the level of
access permissions and role associated with your user ID". Each entry names the
capabilities that show it; the role table (``pontio.directory.roles``) decides who
has them. An entry whose page is not built yet (its URL name does not resolve) is
left out, so sections appear in the menu as they are added.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pontio.directory.models import User
from pontio.directory.roles import Capability

C = Capability


@dataclass(frozen=True)
class MenuEntry:
    """A menu entry, shown to users whose role has any of ``capabilities``.

    An entry without capabilities is shown to every signed-in user.
    """

    label: str | Promise
    url_name: str
    capabilities: tuple[Capability, ...] = ()
    description: str | Promise = ""

    def is_for(self, user: User) -> bool:
        if not self.capabilities:
            return True
        return any(user.can(capability) for capability in self.capabilities)


MENU: tuple[MenuEntry, ...] = (
    MenuEntry(pgettext_lazy("menu", "Home"), "web:home"),
    MenuEntry(
        pgettext_lazy("menu", "Transfers"),
        "transfers:inbox",
        (C.TRANSFER_CTF, C.TRANSFER_GENERIC, C.MONITOR_LA_TRANSFERS),
        _("Send and collect common transfer files and other files."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Lost pupils"),
        "lostpupils:search",
        (C.SEARCH_LOST_PUPILS,),
        _("Search the Lost Pupil Database for a child's record."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Messages"),
        "messaging:inbox",
        (C.MESSAGING,),
        _("Read and send secure messages."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Reports"),
        "reports:index",
        (C.RUN_REPORTS,),
        _("Run reports on the use of Pontio."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Users"),
        "directory:users",
        (C.VIEW_USERS,),
        _("See the users of your organisation and what they may do."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Schools"),
        "directory:schools",
        (C.VIEW_SCHOOLS,),
        _("See the schools and their contact details."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "LA details"),
        "directory:la",
        (C.MANAGE_OWN_LA,),
        _("Update your local authority's name, e-mail address and settings."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Local authorities"),
        "directory:las",
        (C.MANAGE_LAS,),
        _("Manage the local authorities and their database administrators."),
    ),
    MenuEntry(
        pgettext_lazy("menu", "Your account"),
        "account:index",
        (),
        _("Change your password, language and sign-in settings."),
    ),
)


@dataclass(frozen=True)
class MenuItem:
    """A menu entry resolved for one request."""

    label: str | Promise
    url: str
    description: str | Promise
    current: bool  # this very page
    active: bool  # this page or one below it


def menu_for(request: HttpRequest) -> list[MenuItem]:
    """Return the menu items the signed-in user's role may see, in menu order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for entry in MENU:
        if not entry.is_for(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # that section is not built yet
        items.append(_item(entry, url, request.path))
    return items


def _item(entry: MenuEntry, url: str, path: str) -> MenuItem:
    current = path == url
    # Home is "/", which every path starts with: only the page itself counts.
    active = current or (url != "/" and path.startswith(url))
    return MenuItem(entry.label, url, entry.description, current, active)
