"""E-mails about accounts, sent by the worker. Each task takes ids only."""

from __future__ import annotations

from django_tasks import task

from pontio.directory.models import User
from pontio.directory.services import accounts


@task()
def send_set_password_email(user_id: int, reason: str) -> None:
    """E-mail a user a fresh set-password link (``reason``: invitation, reset...)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        accounts.email_set_password_link(user, reason=reason)


@task()
def send_username_email(user_id: int) -> None:
    """E-mail a new user their username, apart from any link."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is not None:
        accounts.email_username(user)
