"""Calling the API as a key's user."""

from typing import Any

from django.test import Client

from pontio.directory.models import User
from pontio.directory.services import apikeys


def key_for(user: User, name: str = "tests") -> str:
    """Create an API key for ``user`` and return the raw key."""
    _key, raw_key = apikeys.create_api_key(user, actor=user, name=name)
    return raw_key


def bearer(raw_key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def get(client: Client, path: str, raw_key: str | None = None, **extra: Any) -> Any:
    headers = bearer(raw_key) if raw_key else {}
    return client.get(path, **headers, **extra)
