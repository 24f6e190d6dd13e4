"""Pontio's URLs with secure messaging's pages mounted at ``/messages/``."""

from django.urls import include, path

from pontio.urls import handler403, handler404, handler500
from pontio.urls import urlpatterns as pontio_urls

urlpatterns = [
    path("messages/", include("pontio.messaging.urls")),
    *pontio_urls,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
