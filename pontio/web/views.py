"""The home page, the information pages and the error pages."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from pontio.web.navigation import menu_for

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the signed-in user's organisation, role and what they can do."""
    sections = [item for item in menu_for(request) if item.description]
    return render(request, "web/home.html", {"sections": sections})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/pages/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/pages/accessibility.html")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a refused form (``CSRF_FAILURE_VIEW``): usually an expired page."""
    return render(request, "web/errors/csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "web/errors/500.html", status=500)
    except Exception:
        # The fault may be the database itself, which the menu and the signed-in
        # user need: fall back to the page without any request context.
        logger.exception("The error page could not use the request context")
        html = loader.render_to_string("web/errors/500.html")
        return HttpResponseServerError(html)
