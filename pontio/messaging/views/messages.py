"""Received and sent messages, composing and replying (seed 002 sections 6.1 to 6.6)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pontio.directory.access import capability_required
from pontio.directory.roles import Capability
from pontio.messaging import access, queries, recipients, sealing, services
from pontio.messaging.forms import ComposeForm, entry_label, rebound
from pontio.messaging.models import READ_LIFETIME, UNREAD_LIFETIME, Message
from pontio.messaging.views import user_of

MESSAGING = Capability.MESSAGING


@require_GET
@capability_required(MESSAGING)
def inbox(request: HttpRequest) -> HttpResponse:
    """List the user's received messages, ordered by the chosen column."""
    order = queries.clean_order(request.GET.get("order"))
    context = {
        "rows": queries.inbox_for(user_of(request), order),
        "order": order,
        "columns": queries.INBOX_ORDERS,
        "unread_days": UNREAD_LIFETIME.days,
        "read_days": READ_LIFETIME.days,
    }
    return render(request, "messaging/inbox.html", context)


@require_GET
@capability_required(MESSAGING)
def message(request: HttpRequest, code: UUID) -> HttpResponse:
    """Show a received message; opening it marks it read."""
    user = user_of(request)
    delivery = access.get_delivery_for(user, code)
    content = services.read_message(delivery, actor=user)
    context = {"delivery": delivery, "message": delivery.message, "content": content}
    return render(request, "messaging/message.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Ask, then delete a message from the user's inbox."""
    user = user_of(request)
    delivery = access.get_delivery_for(user, code)
    if request.method == "POST":
        services.delete_received_message(delivery, actor=user)
        flash.success(request, _("The message has been deleted"))
        return redirect("messaging:inbox")
    context = {"message": delivery.message, "box": "inbox"}
    return render(request, "messaging/delete.html", context)


@require_GET
@capability_required(MESSAGING)
def sent(request: HttpRequest) -> HttpResponse:
    """List the user's sent messages and how many recipients have not read each."""
    rows = queries.sent_by(user_of(request))
    return render(request, "messaging/sent.html", {"rows": rows})


@require_GET
@capability_required(MESSAGING)
def sent_message(request: HttpRequest, code: UUID) -> HttpResponse:
    """Show a sent message, its recipients as chosen and its unread count."""
    message = access.get_sent_message_for(user_of(request), code)
    deliveries = message.deliveries.all()
    context = {
        "message": message,
        "content": sealing.unseal(message),
        "recipient_count": deliveries.count(),
        "unread_count": deliveries.filter(read_at__isnull=True).count(),
        "entries": [entry_label(entry) for entry in message.addressed_to],
    }
    return render(request, "messaging/sent_message.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def sent_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    """Ask, then remove a message from the user's sent messages."""
    user = user_of(request)
    message = access.get_sent_message_for(user, code)
    if request.method == "POST":
        services.delete_sent_message(message, actor=user)
        flash.success(request, _("The message has been deleted"))
        return redirect("messaging:sent")
    context = {"message": message, "box": "sent"}
    return render(request, "messaging/delete.html", context)


@require_GET
@capability_required(MESSAGING)
def compose_start(request: HttpRequest) -> HttpResponse:
    """Choose a template to start from, or a blank message."""
    templates = access.templates_visible_to(user_of(request))
    return render(request, "messaging/compose_start.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def compose(request: HttpRequest) -> HttpResponse:
    """Write a new message, blank or from a template, and send it."""
    initial: dict[str, Any] = {}
    template_code = request.GET.get("template")
    if template_code:
        template = access.get_template_for(user_of(request), template_code)
        initial = {"subject": template.subject, "body": template.text}
    return _compose(request, initial=initial, in_reply_to=None)


@require_http_methods(["GET", "POST"])
@capability_required(MESSAGING)
def reply(request: HttpRequest, code: UUID) -> HttpResponse:
    """Reply to a received message: its sender is the first recipient."""
    delivery = access.get_delivery_for(user_of(request), code)
    original = delivery.message
    subject = sealing.unseal(original).subject
    initial = {
        "chosen": [recipients.encode({"user": original.sender_username})],
        "subject": _("Re: %(subject)s") % {"subject": subject},
    }
    return _compose(request, initial=initial, in_reply_to=original)


def _compose(
    request: HttpRequest, *, initial: dict[str, Any], in_reply_to: Message | None
) -> HttpResponse:
    user = user_of(request)
    if request.method != "POST":
        form = ComposeForm(user=user, initial=initial)
        return _render_compose(request, form, in_reply_to)
    form = ComposeForm(request.POST, user=user)
    action = request.POST.get("action", "send")
    if not form.is_valid() or action == "populate":
        return _render_compose(request, form, in_reply_to)
    try:
        if action == "add":
            checked = recipients.check(form.entries(), actor=user)
            form = ComposeForm(rebound(form, checked.entries), user=user)
            return _render_compose(request, form, in_reply_to)
        sent_message = services.send_message(
            actor=user,
            to=form.entries(),
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            in_reply_to=in_reply_to,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_compose(request, form, in_reply_to)
    flash.success(request, _("Your message has been sent"))
    return redirect("messaging:sent_message", code=sent_message.code)


def _render_compose(
    request: HttpRequest, form: ComposeForm, in_reply_to: Message | None
) -> HttpResponse:
    context = {"form": form, "in_reply_to": in_reply_to}
    return render(request, "messaging/compose.html", context)
