"""Pages of secure messaging: messages, templates, groups and the LA's report."""

from __future__ import annotations

from django.http import HttpRequest

from pontio.directory.models import User


def user_of(request: HttpRequest) -> User:
    """Return the signed-in user (every messaging page requires one)."""
    user: User = request.user  # type: ignore[assignment]
    return user
