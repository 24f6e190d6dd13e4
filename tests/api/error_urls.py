"""A test-only API, built like the real one, whose endpoints fail on purpose."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from django.urls import include, path
from ninja import Schema

from pontio.api.errors import ApiError
from pontio.api.urls import build_api

failing_api = build_api("api-errors-test")


class ThingIn(Schema):
    name: str
    count: int


@failing_api.get("/forbidden")
def forbidden(request: HttpRequest) -> None:
    raise PermissionDenied


@failing_api.get("/missing")
def missing(request: HttpRequest) -> None:
    raise Http404


@failing_api.get("/duplicate")
def duplicate(request: HttpRequest) -> None:
    raise ApiError(409, "duplicate_file", "This file was already sent")


@failing_api.get("/rule")
def rule(request: HttpRequest) -> None:
    raise ValidationError(
        "Too many %(things)s", code="too_many_things", params={"things": "pupils"}
    )


@failing_api.get("/email")
def email(request: HttpRequest) -> None:
    validate_email("not an address")


@failing_api.get("/crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("an unexpected failure")


@failing_api.post("/things")
def things(request: HttpRequest, payload: ThingIn) -> dict[str, str]:
    return {"name": payload.name}


urlpatterns = [
    path("api/test/", failing_api.urls),
    path("", include("pontio.urls")),
]
