"""E-mails about directory administration, sent by the task worker.

The tasks take ids only and load the rows themselves, so a task that runs twice
sends the same e-mail twice at worst; they never carry a password or a link.
"""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role
from pontio.mail import send_templated_email

ROLE_GRANTED_TEMPLATE = "manage/emails/role_granted"
ROLE_CHANGED_TEMPLATE = "manage/emails/role_changed"


def administrators_to_tell(user: User) -> list[User]:
    """Return the LA's DBAs and the central administrators, but not ``user``."""
    la_code = user.organisation.la_code
    audience = Q(role=Role.CENTRAL_ADMIN, organisation__kind=Organisation.Kind.CENTRAL)
    if la_code is not None:
        audience |= Q(role=Role.LA_DBA, organisation__code=la_code)
    return list(
        User.objects.filter(audience, is_active=True)
        .exclude(pk=user.pk)
        .exclude(email="")
        .order_by("username")
    )


@task()
def send_role_granted(user_id: int, role: str, granted_by: str) -> int:
    """Tell the administrators that ``user_id`` was given an administrative role."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None:
        return 0
    context = {
        "username": user.username,
        "organisation": user.organisation,
        "role": Role(role).label,
        "granted_by": granted_by,
    }
    return sum(
        send_templated_email(
            ROLE_GRANTED_TEMPLATE,
            [recipient.email],
            {**context, "recipient": recipient},
            language=recipient.language,
        )
        for recipient in administrators_to_tell(user)
    )


@task()
def send_role_changed(user_id: int) -> int:
    """Tell a user that their role has changed, in their language."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not user.is_active:
        return 0
    context = {"user": user, "role": Role(user.role).label}
    return send_templated_email(
        ROLE_CHANGED_TEMPLATE, [user.email], context, language=user.language
    )


def announce_role_granted(user: User, *, granted_by: User | None) -> None:
    """Queue the announcement of an administrative role, with the caller's data."""
    label = granted_by.get_username() if granted_by is not None else "pontio"
    send_role_granted.enqueue(user_id=user.pk, role=user.role, granted_by=label)


def tell_user_of_role_change(user: User) -> None:
    """Queue the e-mail telling a user of their new role (seed 002 section 3.4)."""
    send_role_changed.enqueue(user_id=user.pk)
