"""``GET /healthz``: for load balancers and monitoring; no key needed."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from pontio.ops import health

HTTP_SERVICE_UNAVAILABLE = 503


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, storage and worker checks pass, else 503."""
    results = health.run_checks()
    healthy = all(result == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "fail", **results}
    return JsonResponse(body, status=200 if healthy else HTTP_SERVICE_UNAVAILABLE)
