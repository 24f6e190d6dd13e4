"""Template context for every page: the "you have N new messages" banner."""

from __future__ import annotations

from django.http import HttpRequest

from pontio.messaging import queries


def unread_messages(request: HttpRequest) -> dict[str, int]:
    """Give every page the signed-in user's count of unread messages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": queries.unread_count(user)}
