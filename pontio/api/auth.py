"""Bearer API keys: every call acts as the key's user, with that user's role."""

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from pontio.directory.models import User
from pontio.directory.services import apikeys


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer pontio_...``; a revoked key or disabled user: 401."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = apikeys.authenticate_api_key(token.strip())
        if user is None:
            return None
        # The key is the whole identity: no session, no cookie, no CSRF.
        request.user = user
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
        return user


def user_of(request: HttpRequest) -> User:
    """Return the user the request's API key belongs to."""
    user: Any = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 (every endpoint requires the key)
    return user
