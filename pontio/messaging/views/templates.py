"""Message templates: list, add, view and preview, update, copy, delete (6.7)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pontio.directory.access import capability_required
from pontio.directory.roles import Capability
from pontio.messaging import access, services
from pontio.messaging.forms import TemplateForm
from pontio.messaging.models import MessageTemplate
from pontio.messaging.views import user_of

MESSAGING = Capability.MESSAGING


@require_GET
@capability_required(MESSAGING)
def template_list(request: HttpRequest) -> HttpResponse:
    """List the templates of the user's organisation."""
    templates = access.templates_visible_to(user_of(request))
    return render(request, "messaging/templates.html", {"templates": templates})


@require_GET
@capability_required(MESSAGING)
def template_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """View a template as a message would show it (the preview)."""
    template = access.get_template_for(user_of(request), code)
    return render(request, "messaging/template_detail.html", {"template": template})


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def template_add(request: HttpRequest) -> HttpResponse:
    """Add a template for the user's organisation."""
    return _save(request, None)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def template_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    """Update a template's name, subject and text."""
    return _save(request, access.get_template_for(user_of(request), code))


def _save(request: HttpRequest, template: MessageTemplate | None) -> HttpResponse:
    user = user_of(request)
    initial = {}
    if template is not None:
        initial = {"name": template.name, "subject": template.subject}
        initial["text"] = template.text
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("name", "subject", "text")}
        try:
            if template is None:
                template = services.create_template(actor=user, **values)
            else:
                services.update_template(template, actor=user, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            flash.success(request, _("The template has been saved"))
            return redirect("messaging:template", code=template.code)
    context = {"form": form, "template": template}
    return render(request, "messaging/template_form.html", context)


@require_POST
@capability_required(MESSAGING)
def template_copy(request: HttpRequest, code: UUID) -> HttpResponse:
    """Copy a template, then open the copy to be changed."""
    user = user_of(request)
    template = access.get_template_for(user, code)
    copy = services.copy_template(template, actor=user)
    flash.success(request, _("The template has been copied"))
    return redirect("messaging:template_edit", code=copy.code)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def template_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Warn that a deleted template cannot be restored, then delete it."""
    user = user_of(request)
    template = access.get_template_for(user, code)
    if request.method == "POST":
        services.delete_template(template, actor=user)
        flash.success(request, _("The template has been deleted"))
        return redirect("messaging:templates")
    return render(request, "messaging/template_delete.html", {"template": template})
