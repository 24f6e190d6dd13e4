"""Template context for every page."""

from __future__ import annotations

from django.http import HttpRequest

from pontio.web.navigation import MenuItem, menu_for


def navigation(request: HttpRequest) -> dict[str, list[MenuItem]]:
    """Give the layout the menu items the signed-in user's role may see."""
    return {"navigation": menu_for(request)}
