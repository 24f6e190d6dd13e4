"""Read-only listings for directory administration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from pontio.directory import access
from pontio.directory.models import Organisation, User
from pontio.directory.roles import Role


def users_for(actor: Any, organisation_code: str = "") -> QuerySet[User]:
    """List the users ``actor`` may see, optionally of one organisation only."""
    users = access.users_visible_to(actor)
    if organisation_code:
        users = users.filter(organisation__code=organisation_code)
    return users.order_by("organisation__code", "username")


def schools_for(actor: Any) -> QuerySet[Organisation]:
    """List the schools ``actor`` may see, with how many users each has."""
    return (
        access.schools_visible_to(actor)
        .annotate(user_count=Count("users"))
        .order_by("code")
    )


def las_with_user_counts() -> QuerySet[Organisation]:
    """List every LA with its numbers of schools and of DBAs."""
    return (
        Organisation.objects.filter(kind=Organisation.Kind.LA)
        .annotate(
            school_count=Count("schools", distinct=True),
            dba_count=Count("users", filter=Q(users__role=Role.LA_DBA), distinct=True),
        )
        .order_by("code")
    )


def dbas_of(la: Organisation) -> QuerySet[User]:
    """List an LA's database administrators, including the view-only ones."""
    return User.objects.filter(
        organisation=la, role__in=[Role.LA_DBA, Role.LA_DBA_VIEW_ONLY]
    ).order_by("role", "username")


def user_list_rows() -> Iterator[list[str]]:
    """Yield the annual list of users per LA, one row per LA or school user."""
    users = (
        User.objects.exclude(organisation__kind=Organisation.Kind.CENTRAL)
        .select_related("organisation", "organisation__la")
        .order_by("organisation__code", "username")
    )
    for user in users.iterator(chunk_size=500):
        organisation = user.organisation
        la = organisation.la or organisation
        yield [
            f"{la.code} {la.name}",
            organisation.code,
            organisation.name,
            user.username,
            user.get_full_name(),
            user.email,
            str(Role(user.role).label) if user.role in Role.values else user.role,
            _("Yes") if user.is_active else _("No"),
            user.last_login.isoformat(timespec="seconds") if user.last_login else "",
        ]
