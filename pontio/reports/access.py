"""Who may run which report, and on whose data.

The role table decides who may run a report (``RUN_REPORTS``; the message report
also needs ``MESSAGE_REPORT``). An LA's officers report on their own LA; central
administrators on all of Wales or one Welsh LA. Asking for another LA's data
answers 404, as everywhere in Pontio, so that nothing is learnt about it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from pontio.directory.models import Organisation, User
from pontio.reports.catalogue import Report
from pontio.reports.params import LOST_KINDS, Params, Period, today

# The Welsh local authorities are numbered 660 to 681.
WELSH_LA_CODES = tuple(str(number) for number in range(660, 682))
# Seed 002 section 7.3: "own LA and up to 9 others".
MAX_OTHER_LAS = 9
MAX_CLUSTER_LAS = MAX_OTHER_LAS + 1


def welsh_las() -> QuerySet[Organisation]:
    """Return the Welsh local authorities, in number order."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.LA, code__in=WELSH_LA_CODES
    ).order_by("code")


def check_may_run(user: Any, report: Report) -> None:
    """Raise 403 unless ``user`` is an LA officer or central administrator whose
    role grants every capability ``report`` needs."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not all(user.can(capability) for capability in report.capabilities):
        raise PermissionDenied
    if not (user.organisation.is_la or user.organisation.is_central):
        raise PermissionDenied


def build_params(
    user: User,
    report: Report,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    la: str = "",
    school: str = "",
    las: str = "",
    all_wales: bool = False,
    lost_kind: str = "both",
    downloaded_only: bool = False,
) -> Params:
    """Check a request for ``report`` against ``user`` and return what to run."""
    check_may_run(user, report)
    period = _period(start, end)
    if report.is_cluster:
        scope, all_wales = _cluster(user, las, all_wales)
    else:
        scope, all_wales = _scope(user, la)
    if lost_kind not in LOST_KINDS:
        raise ValidationError(_("Choose which lost pupils to include"), code="kind")
    return Params(
        period=period,
        las=scope,
        all_wales=all_wales,
        school=_school(scope, school) if school else None,
        lost_kind=lost_kind,
        downloaded_only=downloaded_only,
    )


def _period(start: datetime.date | None, end: datetime.date | None) -> Period:
    end = end or today()
    if start is not None and start > end:
        raise ValidationError(
            _("The 'from' date must be the same as or before the 'to' date"),
            code="from_after_to",
        )
    return Period(start=start, end=end)


def _scope(user: User, la_code: str) -> tuple[tuple[Organisation, ...], bool]:
    """The LAs a report covers: the user's own, or for central the one chosen or
    every Welsh LA."""
    organisation = user.organisation
    if organisation.is_la:
        if la_code and la_code != organisation.code:
            raise Http404
        return (organisation,), False
    if la_code:
        chosen = welsh_las().filter(code=la_code).first()
        if chosen is None:
            raise Http404
        return (chosen,), False
    return tuple(welsh_las()), True


def _cluster(
    user: User, codes_text: str, all_wales: bool
) -> tuple[tuple[Organisation, ...], bool]:
    """The LAs of a cluster report: the user's own LA and up to nine others."""
    if all_wales:
        return tuple(welsh_las()), True
    own = user.organisation if user.organisation.is_la else None
    others = [la for la in _las_named(codes_text) if la != own]
    limit = MAX_OTHER_LAS if own else MAX_CLUSTER_LAS
    if len(others) > limit:
        raise ValidationError(
            _("Choose up to %(limit)s local authorities"),
            code="too_many_las",
            params={"limit": limit},
        )
    if own is None and not others:
        return tuple(welsh_las()), True
    chosen = ([own] if own else []) + others
    return tuple(sorted(chosen, key=lambda la: la.code)), False


def _las_named(codes_text: str) -> list[Organisation]:
    codes = _unique(re.split(r"[\s,;]+", codes_text.strip()) if codes_text else [])
    found = {
        la.code: la
        for la in Organisation.objects.filter(kind=Organisation.Kind.LA, code__in=codes)
    }
    for code in codes:
        if code not in found:
            raise ValidationError(
                _("There is no local authority numbered %(la)s"),
                code="unknown_la",
                params={"la": code[:10]},
            )
    return [found[code] for code in codes]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _school(scope: tuple[Organisation, ...], code: str) -> Organisation:
    """The school chosen, if it belongs to one of the LAs in scope."""
    school = Organisation.objects.filter(
        kind=Organisation.Kind.SCHOOL, code=code.strip(), la__in=scope
    ).first()
    if school is None:
        # The same answer for a school that does not exist and one elsewhere.
        raise ValidationError(
            _("Enter the 7-digit number of one of your schools"),
            code="unknown_school",
        )
    return school
