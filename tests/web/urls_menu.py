"""Pontio's URLs with every menu entry's page in place, built or not yet.

Stand-in pages come first, so their namespaces win over the real, partly built ones.
"""

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from pontio.urls import urlpatterns as pontio_urlpatterns
from pontio.web.navigation import MENU


def stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stand-in")


_names: dict[str, set[str]] = defaultdict(set, {"account": {"sign_in", "sign_out"}})
for _entry in MENU:
    _namespace, _name = _entry.url_name.split(":")
    if _namespace != "web":
        _names[_namespace].add(_name)

urlpatterns = [
    path(
        f"{namespace}/",
        include(
            (
                [path(f"{name}/", stand_in, name=name) for name in sorted(names)],
                namespace,
            )
        ),
    )
    for namespace, names in sorted(_names.items())
]
urlpatterns += pontio_urlpatterns
