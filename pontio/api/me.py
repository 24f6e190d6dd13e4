"""``GET /api/v1/me``: who the key belongs to, and what that user may do."""

from django.http import HttpRequest
from ninja import Router, Schema

from pontio.api.auth import user_of

router = Router(tags=["me"])


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str


class MeOut(Schema):
    username: str
    role: str
    organisation: OrganisationOut
    capabilities: list[str]


@router.get("/me", response=MeOut, summary="The key's user, organisation and role")
def me(request: HttpRequest) -> MeOut:
    """Return the key's user, their organisation, role and capabilities."""
    user = user_of(request)
    organisation = user.organisation
    return MeOut(
        username=user.username,
        role=user.role,
        organisation=OrganisationOut(
            code=organisation.code, name=organisation.name, kind=organisation.kind
        ),
        capabilities=sorted(str(capability) for capability in user.capabilities),
    )
