"""Test settings: a throw-away data folder, a fast hasher, a real SMTP server."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# browser tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import smtp


@pytest.fixture(scope="session", autouse=True)
def smtp_server(django_test_environment):
    """Start the SMTP server and point Django at it, for the whole run."""
    from django.conf import settings

    smtp.server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield smtp.server
    smtp.server.stop()


@pytest.fixture(autouse=True)
def _clear_mail(smtp_server):
    smtp_server.clear()
