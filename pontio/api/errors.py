"""One error shape for every API failure: ``{"error": {"code", "message"}}``.

Codes are stable snake_case strings that scripts may rely on; messages are in the
caller's language (the key's user's, or the request's when there is no user).
Domain rules raise Django's ``ValidationError`` with a ``code``; that code reaches
the caller unchanged with a 400.
"""

import functools
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("pontio.api")

# The codes of the plain HTTP failures.
STATUS_CODES = {
    400: "invalid_input",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}


class ErrorDetailOut(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetailOut


class ApiError(Exception):
    """Raise in a handler to answer with ``status``, ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    """Build the one error body every failure uses."""
    body = {"error": {"code": code, "message": str(message), **extra}}
    return JsonResponse(body, status=status)


def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = gettext("Send a valid API key: Authorization: Bearer <key>")
    response = error_response(401, "unauthenticated", message)
    response["WWW-Authenticate"] = 'Bearer realm="pontio"'
    return response


def _http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, HttpError)  # noqa: S101 (registered for HttpError only)
    status = exc.status_code
    return error_response(status, STATUS_CODES.get(status, "error"), _default(status))


def _api_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, ApiError)  # noqa: S101
    return error_response(exc.status, exc.code, exc.message)


def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", _default(403))


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", _default(404))


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(413, "too_large", _default(413))


def _invalid_input(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, NinjaValidationError)  # noqa: S101
    fields = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "code": error.get("type", "invalid"),
        }
        for error in exc.errors
    ]
    first = fields[0]["field"] if fields else ""
    message = gettext("Check the request: %(field)s is missing or not valid") % {
        "field": first
    }
    return error_response(400, "invalid_input", message, fields=fields)


def _rule_broken(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, DjangoValidationError)  # noqa: S101
    code, message = first_validation_error(exc)
    return error_response(400, code, message)


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _default(500))


def first_validation_error(error: DjangoValidationError) -> tuple[str, str]:
    """Return the code and the translated message of the first error inside."""
    if hasattr(error, "error_dict"):
        errors = [item for items in error.error_dict.values() for item in items]
    else:
        errors = error.error_list
    first = errors[0] if errors else error
    message = first.message
    if first.params:
        message = message % first.params
    return first.code or "invalid", str(message)


def _default(status: int) -> str:
    messages = {
        400: gettext("The request is not valid"),
        401: gettext("Send a valid API key"),
        403: gettext("You are not allowed to do this"),
        404: gettext("Not found"),
        405: gettext("This method is not allowed here"),
        409: gettext("This already exists"),
        413: gettext("The request is too large"),
        429: gettext("Too many requests: try again later"),
        500: gettext("Something went wrong: try again later"),
    }
    return messages.get(status, gettext("The request failed"))


HANDLERS: dict[type[Exception], Callable[[HttpRequest, Exception], HttpResponse]] = {
    Exception: _server_error,
    HttpError: _http_error,
    AuthenticationError: _unauthenticated,
    ApiError: _api_error,
    PermissionDenied: _forbidden,
    Http404: _not_found,
    RequestDataTooBig: _too_large,
    NinjaValidationError: _invalid_input,
    DjangoValidationError: _rule_broken,
}


def install(api: NinjaAPI) -> None:
    """Make every failure of ``api`` answer in the one error shape."""
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, handler)


View = Callable[..., HttpResponse]


def json_method_not_allowed(view: View) -> View:
    """Wrap a ninja view so its 405 answers in the error shape too."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != HTTPStatus.METHOD_NOT_ALLOWED:
            return response
        replacement = error_response(405, "method_not_allowed", _default(405))
        replacement["Allow"] = response.get("Allow", "")
        return replacement

    return wrapped


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer any path under the API that names no endpoint."""
    return error_response(404, "not_found", _default(404))
