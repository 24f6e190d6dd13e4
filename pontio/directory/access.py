"""Who may see and act on what. Every view and endpoint asks here.

Another organisation's object raises ``Http404`` so that its existence does not
leak; ``PermissionDenied`` (403) is only for a user who lacks the role to act.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from pontio.directory.roles import Capability

View = Callable[..., HttpResponse]


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """Require a signed-in user whose role has every one of ``capabilities``."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not all(user.can(capability) for capability in capabilities):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def require_capability(user: Any, capability: Capability) -> None:
    """Raise ``PermissionDenied`` unless the user's role has ``capability``."""
    if not user.is_authenticated or not user.can(capability):
        raise PermissionDenied
