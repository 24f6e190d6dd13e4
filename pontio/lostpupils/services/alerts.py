"""E-mails about misuse of the Lost Pupil Database: never with pupil data."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from pontio.directory.models import User
from pontio.directory.roles import Role
from pontio.lostpupils.services.search import searches_per_hour
from pontio.mail import send_templated_email

TEMPLATE = "lostpupils/emails/search_limit"


def search_limit_recipients(user: User) -> list[User]:
    """The user's LA database administrators and every central administrator."""
    own_dbas = Q(role=Role.LA_DBA, organisation=user.organisation_id)
    central = Q(role=Role.CENTRAL_ADMIN, organisation__kind="central")
    return list(
        User.objects.filter(own_dbas | central, is_active=True)
        .exclude(email="")
        .order_by("username")
    )


def send_search_limit_alert(user_id: int) -> int:
    """Tell the administrators that a user's lost pupil searches were paused."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None:
        return 0
    context = {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "organisation_name": user.organisation.name,
        "organisation_code": user.organisation.code,
        "limit": searches_per_hour(),
        "searches_path": reverse("lostpupils:searches"),
    }
    return sum(
        send_templated_email(
            TEMPLATE, [recipient.email], context, language=recipient.language
        )
        for recipient in search_limit_recipients(user)
    )
