"""Delegated administration of schools and LAs (seed 002 sections 3.8 and 3.9).

LA database administrators keep their schools' and their LA's details; central
administrators set up each LA. Every change is audited in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pontio.audit import services as audit
from pontio.ctf import lacodes
from pontio.directory.models import Organisation


def _update_organisation(
    organisation: Organisation,
    values: dict[str, Any],
    *,
    actor: Any,
    action: str,
    recorded: str,
) -> list[str]:
    """Save the fields of ``values`` that differ; audit them as ``action`` with
    the new value of the field named ``recorded``."""
    changed = [
        name for name, value in values.items() if getattr(organisation, name) != value
    ]
    if not changed:
        return changed
    for name in changed:
        setattr(organisation, name, values[name])
    organisation.save(update_fields=changed)
    audit.record(
        action,
        actor=actor,
        obj=organisation,
        organisation=organisation,
        fields=",".join(sorted(changed)),
        **{recorded: getattr(organisation, recorded)},
    )
    return changed


@transaction.atomic
def update_school(
    school: Organisation,
    *,
    actor: Any,
    name: str,
    town: str,
    phone: str,
    email: str,
    is_active: bool,
) -> list[str]:
    """Update a school's details and status; return the names of changed fields."""
    values = {
        "name": name,
        "town": town,
        "phone": phone,
        "email": email,
        "is_active": is_active,
    }
    return _update_organisation(
        school, values, actor=actor, action="school.updated", recorded="is_active"
    )


@transaction.atomic
def update_la(
    la: Organisation,
    *,
    actor: Any,
    name: str,
    email: str,
    receive_ctf_copies: bool,
) -> list[str]:
    """Update an LA's name, e-mail and "receive copies of CTFs" setting (3.9)."""
    values = {"name": name, "email": email, "receive_ctf_copies": receive_ctf_copies}
    return _update_organisation(
        la, values, actor=actor, action="la.updated", recorded="receive_ctf_copies"
    )


def la_codes_available() -> list[lacodes.LaCode]:
    """Return the named LA numbers that have no LA in Pontio yet."""
    taken = set(
        Organisation.objects.filter(kind=Organisation.Kind.LA).values_list(
            "code", flat=True
        )
    )
    return [
        la
        for la in lacodes.all_la_codes()
        if la.name and la.status != "pseudo" and la.code not in taken
    ]


@transaction.atomic
def create_la(
    *, actor: Any, la_code: str, email: str, name: str = "", source: str = "web"
) -> Organisation:
    """Set up an LA from the table of LA numbers (central administrators)."""
    known = lacodes.get_la_code(la_code)
    if known is None:
        raise ValidationError(
            _("Select an LA number from the list"), code="unknown_la_code"
        )
    if Organisation.objects.filter(code=la_code).exists():
        raise ValidationError(
            _("LA %(la_code)s is already set up"),
            code="la_exists",
            params={"la_code": la_code},
        )
    la = Organisation.objects.create(
        kind=Organisation.Kind.LA,
        code=la_code,
        name=name or known.name or la_code,
        email=email,
    )
    audit.record("la.created", actor=actor, obj=la, organisation=la, source=source)
    return la
