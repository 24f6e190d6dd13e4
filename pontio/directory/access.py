"""Who may see and act on what. Every view and endpoint asks here.

Another organisation's object raises ``Http404`` so that its existence does not
leak; ``PermissionDenied`` (403) is only for a user who lacks the role to act.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability, Role

View = Callable[..., HttpResponse]

# Accounts only a central administrator may amend, delete or reset.
PROTECTED_ROLES = frozenset({Role.LA_DBA, Role.CENTRAL_ADMIN})


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """Require a signed-in user whose role has every one of ``capabilities``."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not all(user.can(capability) for capability in capabilities):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def require_capability(user: Any, capability: Capability) -> None:
    """Raise ``PermissionDenied`` unless the user's role has ``capability``."""
    if not user.is_authenticated or not user.can(capability):
        raise PermissionDenied


# Object-level doors for directory administration (seed 002 sections 3.1 to 3.9).
# An LA's administrators see their own LA, its schools and their users; central
# administrators see everything; everybody else sees nothing.


def _is_central(actor: Any) -> bool:
    return bool(actor.is_authenticated and actor.organisation.is_central)


def _own_la(actor: Any) -> Organisation | None:
    """The LA an LA user belongs to, or None for everybody else."""
    if not actor.is_authenticated or not actor.is_active:
        return None
    organisation: Organisation = actor.organisation
    return organisation if organisation.is_la else None


def users_visible_to(actor: Any) -> QuerySet[User]:
    """Return the users whose details ``actor`` may see."""
    users = User.objects.select_related("organisation")
    if not actor.is_authenticated or not actor.can(Capability.VIEW_USERS):
        return users.none()
    if _is_central(actor):
        return users.all()
    la = _own_la(actor)
    if la is None:
        return users.none()
    return users.filter(Q(organisation=la) | Q(organisation__la=la))


def get_user_for(actor: Any, code: UUID | str) -> User:
    """Return the user with this public ``code`` if ``actor`` may see it, else 404."""
    try:
        return users_visible_to(actor).get(code=code)
    except (User.DoesNotExist, ValidationError, ValueError) as error:
        raise Http404 from error


def check_can_manage_user(actor: Any, user: User) -> None:
    """Raise 403 unless ``actor`` may change or delete ``user`` (already visible)."""
    require_capability(actor, Capability.MANAGE_USERS)
    # Only central administrators set up (and so amend) an LA's administrator
    # (seed 002 section 3.1) or another central administrator.
    if user.role in PROTECTED_ROLES and not _is_central(actor):
        raise PermissionDenied


def organisations_visible_to(actor: Any) -> QuerySet[Organisation]:
    """Return the LAs and schools whose users ``actor`` may see."""
    organisations = Organisation.objects.exclude(kind=Organisation.Kind.CENTRAL)
    if not actor.is_authenticated or not actor.can(Capability.VIEW_USERS):
        return organisations.none()
    if _is_central(actor):
        return Organisation.objects.all()
    la = _own_la(actor)
    if la is None:
        return organisations.none()
    return organisations.filter(Q(pk=la.pk) | Q(la=la))


def schools_visible_to(actor: Any) -> QuerySet[Organisation]:
    """Return the schools whose details ``actor`` may see."""
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)
    if not actor.is_authenticated or not actor.can(Capability.VIEW_SCHOOLS):
        return schools.none()
    if _is_central(actor):
        return schools
    la = _own_la(actor)
    if la is None:
        return schools.none()
    return schools.filter(la=la)


def get_school_for(actor: Any, estab: str) -> Organisation:
    """Return the school with this 7-digit number if ``actor`` may see it, else 404."""
    try:
        return schools_visible_to(actor).get(code=estab)
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def get_la_for(actor: Any, la_code: str) -> Organisation:
    """Return the LA with this 3-digit number if it is ``actor``'s own, else 404.

    Central administrators may reach every LA.
    """
    las = Organisation.objects.filter(kind=Organisation.Kind.LA)
    if _is_central(actor) and actor.is_active:
        return _get_or_404(las, la_code)
    la = _own_la(actor)
    if la is None or la.code != la_code:
        raise Http404
    return la


def _get_or_404(organisations: QuerySet[Organisation], code: str) -> Organisation:
    try:
        return organisations.get(code=code)
    except Organisation.DoesNotExist as error:
        raise Http404 from error
