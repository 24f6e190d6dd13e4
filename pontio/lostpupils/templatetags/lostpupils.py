"""Template filters of the Lost Pupil Database's pages."""

from __future__ import annotations

from django import template

from pontio.lostpupils import labels

register = template.Library()


@register.filter
def sex_label(code: object) -> str:
    """Show a stored sex code (``F``, ``M``, ...) as its translated word."""
    return labels.sex_label(code)
