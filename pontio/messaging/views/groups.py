"""Message groups of the user's organisation: list, add, update, delete."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pontio.directory.access import capability_required
from pontio.directory.roles import Capability
from pontio.messaging import access, recipients, services
from pontio.messaging.forms import GroupForm, entry_label, rebound
from pontio.messaging.models import MessageGroup
from pontio.messaging.views import user_of

MESSAGING = Capability.MESSAGING


@require_GET
@capability_required(MESSAGING)
def group_list(request: HttpRequest) -> HttpResponse:
    """List the message groups of the user's organisation."""
    groups = [
        (group, [entry_label(entry) for entry in group.entries])
        for group in access.groups_visible_to(user_of(request))
    ]
    return render(request, "messaging/groups.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def group_add(request: HttpRequest) -> HttpResponse:
    """Name a new set of recipients for the user's organisation."""
    return _save(request, None)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def group_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Rename a group or change its recipients."""
    return _save(request, access.get_group_for(user_of(request), code))


def _save(request: HttpRequest, group: MessageGroup | None) -> HttpResponse:
    user = user_of(request)
    if request.method != "POST":
        initial = {}
        if group is not None:
            chosen = [recipients.encode(entry) for entry in group.entries]
            initial = {"name": group.name, "chosen": chosen}
        return _render(request, GroupForm(user=user, initial=initial), group)
    form = GroupForm(request.POST, user=user)
    action = request.POST.get("action", "save")
    if not form.is_valid() or action == "populate":
        return _render(request, form, group)
    try:
        if action == "add":
            checked = recipients.check(form.entries(), actor=user, allow_groups=False)
            return _render(
                request, GroupForm(rebound(form, checked.entries), user=user), group
            )
        name, entries = form.cleaned_data["name"], form.entries()
        if group is None:
            services.create_group(actor=user, name=name, entries=entries)
        else:
            services.update_group(group, actor=user, name=name, entries=entries)
    except ValidationError as error:
        form.add_error(None, error)
        return _render(request, form, group)
    flash.success(request, _("The group has been saved"))
    return redirect("messaging:groups")


def _render(
    request: HttpRequest, form: GroupForm, group: MessageGroup | None
) -> HttpResponse:
    return render(request, "messaging/group_form.html", {"form": form, "group": group})


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def group_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Ask, then delete a message group."""
    user = user_of(request)
    group = access.get_group_for(user, code)
    if request.method == "POST":
        services.delete_group(group, actor=user)
        flash.success(request, _("The group has been deleted"))
        return redirect("messaging:groups")
    return render(request, "messaging/group_delete.html", {"group": group})
