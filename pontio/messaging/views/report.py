"""The LA administrator's message report (seed 002 section 7.7)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pontio.directory.access import capability_required, get_la_for
from pontio.directory.models import Organisation
from pontio.directory.roles import Capability
from pontio.messaging import queries
from pontio.messaging.views import user_of


@require_GET
@capability_required(Capability.MESSAGE_REPORT)
def report(request: HttpRequest) -> HttpResponse:
    """Show which of the LA's schools have unread messages, and how many.

    An LA's administrator sees their own LA; a central administrator chooses one.
    """
    user = user_of(request)
    organisation = user.organisation
    if organisation.is_la:
        la: Organisation | None = organisation
    elif organisation.is_central and request.GET.get("la"):
        la = get_la_for(user, request.GET["la"])
    elif organisation.is_central:
        la = None
    else:
        raise Http404
    context = {
        "la": la,
        "rows": queries.unread_by_school(la) if la else [],
        "las": Organisation.objects.filter(kind=Organisation.Kind.LA).order_by("code"),
    }
    return render(request, "messaging/report.html", context)
