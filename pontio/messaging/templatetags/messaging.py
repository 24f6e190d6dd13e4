"""Template helpers of secure messaging."""

from __future__ import annotations

from typing import Any

from django import template

from pontio.directory.roles import Capability

register = template.Library()


@register.filter
def can(user: Any, capability: str) -> bool:
    """Tell whether the user's role has ``capability`` (``{% if user|can:"x" %}``)."""
    return bool(user.is_authenticated and user.can(Capability(capability)))
