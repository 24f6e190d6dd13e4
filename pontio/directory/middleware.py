from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


def session_limits(get_response: Handler) -> Handler:
    return get_response


def sign_in_steps(get_response: Handler) -> Handler:
    return get_response
