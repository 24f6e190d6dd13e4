"""Pontio's own URLs plus a few pages that fail on purpose, for the error pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from pontio.urls import handler400, handler403, handler404, handler500, urlpatterns


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault the user must not see")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a hostile request")


def tells(request: HttpRequest) -> HttpResponse:
    messages.success(request, "saved")
    messages.info(request, "note")
    return redirect("web:privacy")


urlpatterns = [
    path("test/fails", fails),
    path("test/forbidden", forbidden),
    path("test/suspicious", suspicious),
    path("test/tells", tells),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
