"""The REST API under ``/api/v1/``: one router per domain.

Every endpoint requires a bearer API key (``pontio.api.auth``) and answers every
failure in the error shape of ``pontio.api.errors``. Add a domain by writing its
router module (``pontio/api/transfers.py``) and listing it in ``ROUTERS``.
"""

from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Router

from pontio.api import errors, lostpupils, me, messages, reports, transfers
from pontio.api.auth import ApiKeyAuth
from pontio.api.docs import PlainDocs

ROUTERS: list[Router] = [
    me.router,
    transfers.router,
    lostpupils.router,
    messages.router,
    reports.router,
]

DESCRIPTION = """Move Common Transfer Files between schools and local authorities.

Every call sends `Authorization: Bearer <API key>`; the key acts as its user, with
that user's role. Every error is `{"error": {"code": "...", "message": "..."}}`:
400 bad input, 401 no or bad key, 403 not allowed, 404 not found (or not visible
to you), 409 duplicate, 413 too large. No personal data travels in a URL.
"""


class PontioAPI(NinjaAPI):
    """NinjaAPI whose URLs answer unknown paths and methods in the error shape."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = errors.json_method_not_allowed(pattern.callback)
        patterns.append(re_path(r"^.*$", errors.not_found_view, name="not-found"))
        return patterns


def build_api(namespace: str) -> PontioAPI:
    """Make an API with Pontio's authentication, documentation and errors."""
    new_api = PontioAPI(
        title="Pontio",
        version="1",
        description=DESCRIPTION,
        urls_namespace=namespace,
        auth=ApiKeyAuth(),
        docs=PlainDocs(),
    )
    errors.install(new_api)
    return new_api


api = build_api("api")
for router in ROUTERS:
    api.add_router("", router)
