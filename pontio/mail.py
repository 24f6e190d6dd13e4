"""E-mail from templates, in the recipient's language.

Each e-mail is three templates: ``<name>_subject.txt``, ``<name>_body.txt`` and
``<name>_body.html``, e.g. ``directory/emails/set_password_subject.txt``. E-mails
never carry pupil data or message content: they say that something waits in Pontio.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(
    template: str,
    recipients: Sequence[str],
    context: Mapping[str, object],
    *,
    language: str = "en",
) -> int:
    """Render ``template`` in ``language`` and send it; return how many were sent."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", full_context)
        text = render_to_string(f"{template}_body.txt", full_context)
        html = render_to_string(f"{template}_body.html", full_context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=list(recipients),
    )
    message.attach_alternative(html, "text/html")
    return message.send()
