"""Listings of transfers: boxes, the LA's monitoring views, the destruction log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from pontio.directory.models import Organisation, User
from pontio.directory.roles import Capability
from pontio.transfers import access
from pontio.transfers.models import DestructionLogEntry, Transfer

MonitoringView = Literal["within", "incoming", "outgoing"]
MONITORING_VIEWS: tuple[MonitoringView, ...] = ("within", "incoming", "outgoing")
MonitoringStatus = Literal["awaiting", "collected"]


def box_listing(
    user: User,
    box: access.Box,
    *,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[Transfer]:
    """Return a box's transfers, newest first, optionally of one status and kind."""
    transfers = access.transfers_visible_to(user, box)
    if status:
        transfers = transfers.filter(status=status)
    if kind:
        transfers = transfers.filter(kind=kind)
    return transfers.select_related("source", "destination").order_by(
        "-uploaded_at", "-pk"
    )


def _monitoring_la(user: User) -> Organisation:
    if not user.can(Capability.MONITOR_LA_TRANSFERS) or not user.organisation.is_la:
        raise PermissionDenied
    return user.organisation


def _view_condition(la: Organisation, view: MonitoringView) -> Q:
    from_la = Q(source_la=la)
    to_la = Q(destination_la=la)
    if view == "within":
        return from_la & to_la
    if view == "incoming":
        return to_la & ~from_la
    return from_la & ~to_la & ~Q(route=Transfer.Route.LOST_PUPILS)


def la_monitoring(
    user: User, view: MonitoringView, status: MonitoringStatus
) -> QuerySet[Transfer]:
    """Return the CTFs of one LA monitoring view (seed 002 section 5.3).

    ``within`` the LA, ``incoming`` from other LAs, ``outgoing`` to other LAs;
    collected or still awaiting. No pupil details: only the files. Files sent
    to the LA itself carry ``to_la_itself`` so the page can flag them.
    """
    la = _monitoring_la(user)
    return (
        Transfer.objects.filter(
            _view_condition(la, view), kind=Transfer.Kind.CTF, status=status
        )
        .annotate(
            to_la_itself=Case(
                When(route=Transfer.Route.LA, destination=la, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("source", "destination")
        .order_by("-uploaded_at", "-pk")
    )


def files_not_collected(user: User) -> QuerySet[Transfer]:
    """Return files awaiting collection by the LA's schools or the LA, with pupils.

    The "delete files not collected by schools" view: names, UPNs and dates of
    birth, so the LA can check whether the pupils have arrived; files sent to
    the LA itself come first.
    """
    la = _monitoring_la(user)
    return (
        Transfer.objects.filter(
            destination_la=la,
            status=Transfer.Status.AWAITING,
            route__in=[Transfer.Route.SCHOOL, Transfer.Route.LA],
        )
        .annotate(
            to_la_itself=Case(
                When(route=Transfer.Route.LA, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("source", "destination")
        .prefetch_related("pupils")
        .order_by("-to_la_itself", "uploaded_at", "pk")
    )


def destruction_log(
    user: User,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[DestructionLogEntry]:
    """Return the LA's destruction log, newest first, within optional dates."""
    la = _monitoring_la(user)
    entries = DestructionLogEntry.objects.filter(la=la)
    if start is not None:
        entries = entries.filter(destroyed_at__gte=start)
    if end is not None:
        entries = entries.filter(destroyed_at__lt=end)
    return entries.select_related("authorised_by").order_by("-destroyed_at", "-pk")


def is_awaiting_at(destination_code: str, sha256: str) -> bool:
    """Tell whether the same file already waits at a destination (a duplicate)."""
    # Answered by the partial unique index transfer_one_identical_awaiting.
    return Transfer.objects.filter(
        destination_code=destination_code,
        sha256=sha256,
        status=Transfer.Status.AWAITING,
    ).exists()
