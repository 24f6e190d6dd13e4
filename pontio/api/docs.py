"""The API's documentation page, rendered on the server without scripts.

Interactive documentation pages load JavaScript and styles that Pontio's
Content-Security-Policy forbids and that a closed network cannot fetch; this page
lists every operation from the OpenAPI document instead, and links to the document
itself for tools that render it.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class PlainDocs(DocsBase):
    """Render the operations as a plain HTML page."""

    def render_page(
        self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any
    ) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        rows = format_html_join(
            "\n",
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
            _operations(schema),
        )
        page = format_html(
            '<!DOCTYPE html>\n<html lang="{}"><head><meta charset="utf-8">'
            "<title>{}</title></head><body><h1>{}</h1><p>{}</p>"
            '<p><a href="{}">openapi.json</a></p>'
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table></body></html>",
            get_language() or "en",
            api.title,
            _("%(title)s API, version %(version)s")
            % {"title": api.title, "version": api.version},
            _(
                "Every call but /healthz sends Authorization: Bearer followed by "
                "an API key. The OpenAPI document describes every field."
            ),
            self.get_openapi_url(api, kwargs),
            _("Method"),
            _("Path"),
            _("Does"),
            rows,
        )
        return HttpResponse(page)


def _operations(schema: Any) -> list[tuple[str, str, str]]:
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in methods:
                summary = methods[method].get("summary", "")
                operations.append((method.upper(), path, summary))
    return operations
