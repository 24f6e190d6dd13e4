"""Response headers every page carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Add the Content-Security-Policy, and forbid caching of every dynamic page.

    Pages show pupil or user data; none of them may stay in a shared or browser
    cache. Static files (served by WhiteNoise after this middleware) keep their own
    long-lived caching.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, private"
        return response

    return middleware
