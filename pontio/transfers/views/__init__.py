"""Pages of the transfer hub: sending, inboxes, the outbox and the LA's views.

Every page calls the same ``access``, ``queries`` and ``services`` functions as
the API; no rule about who may see or do what is decided here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from pontio.directory.models import User
from pontio.directory.roles import Capability

ROWS_PER_PAGE = 50
# Any of these opens the hub's pages; each page then asks for what it needs.
HUB_CAPABILITIES = (
    Capability.TRANSFER_CTF,
    Capability.TRANSFER_GENERIC,
    Capability.MONITOR_LA_TRANSFERS,
)


def user_of(request: HttpRequest) -> User:
    """Return the signed-in user (every hub page requires one)."""
    user: User = request.user  # type: ignore[assignment]
    return user


def require_any(user: User, *capabilities: Capability) -> None:
    """Raise PermissionDenied unless the user's role has one of ``capabilities``."""
    if not any(user.can(capability) for capability in capabilities):
        raise PermissionDenied


def page_of(request: HttpRequest, rows: Any) -> Page[Any]:
    """Return the requested page of ``rows``."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
