"""Second factors: the code step of signing in, authenticator apps (TOTP) and
one-time recovery codes.

A wrong code counts towards a lockout under ``mfa:<username>``, apart from the
password step's count (see ``services.accounts``).
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pontio.audit import services as audit
from pontio.directory.models import User
from pontio.directory.services.accounts import Outcome

# Set once a signed-in user has proved a current code: they may enrol anew.
REENROL_SESSION_KEY = "pontio_mfa_reenrol"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DIGITS = 6


def has_authenticator(user: User) -> bool:
    """Tell whether ``user`` has enrolled an authenticator app."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    """Count the unused recovery codes of ``user``."""
    unused = StaticToken.objects.filter(device__user=user, device__confirmed=True)
    return int(unused.count())


def _code_credentials(user: User) -> dict[str, str]:
    return {"username": f"mfa:{user.username}"}


def _count_code_failure(request: HttpRequest, user: User) -> bool:
    """Count a wrong code; return True if the user is now locked out."""
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials=_code_credentials(user), request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _match_code(user: User, code: str) -> tuple[Device, str] | None:
    code = _normalise_code(code)
    if code.isdigit() and len(code) == TOTP_DIGITS:
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for device in totp:
            if device.verify_token(code):
                return device, "totp"
        return None
    # A recovery code is deleted as it is used: each works once.
    for static in StaticDevice.objects.select_for_update().filter(
        user=user, confirmed=True
    ):
        if static.verify_token(code):
            return static, "recovery_code"
    return None


def _check_code(request: HttpRequest, user: User, code: str) -> Outcome:
    if AxesProxyHandler.is_locked(request, _code_credentials(user)):
        return Outcome.LOCKED_OUT
    match = _match_code(user, code)
    if match is None:
        locked_now = _count_code_failure(request, user)
        audit.record(
            "mfa.verification_failed", actor=user, request=request, outcome="failure"
        )
        if locked_now:
            audit.record(
                "user.locked_out",
                actor=user,
                request=request,
                outcome="failure",
                username=user.username,
                step="mfa",
            )
        return Outcome.LOCKED_OUT if locked_now else Outcome.REFUSED
    device, method = match
    AxesProxyHandler.reset_attempts(username=_code_credentials(user)["username"])
    audit.record("mfa.verified", actor=user, request=request, method=method)
    otp_login(request, device)
    return Outcome.ACCEPTED


@transaction.atomic
def verify_second_factor(request: HttpRequest, user: User, *, code: str) -> Outcome:
    """Check a TOTP or recovery code: the second step of signing in."""
    outcome = _check_code(request, user, code)
    if outcome is Outcome.ACCEPTED:
        request.session.cycle_key()
    return outcome


@transaction.atomic
def start_authenticator_reset(
    request: HttpRequest, user: User, *, code: str
) -> Outcome:
    """Let a signed-in user enrol a new authenticator, once they prove a code."""
    outcome = _check_code(request, user, code)
    if outcome is Outcome.ACCEPTED:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        request.session[REENROL_SESSION_KEY] = True
        audit.record("mfa.reset_started", actor=user, request=request)
    return outcome


def may_enrol(request: HttpRequest, user: User) -> bool:
    """Tell whether ``user`` may enrol an authenticator in this session."""
    if not has_authenticator(user):
        return True
    return bool(request.session.get(REENROL_SESSION_KEY)) and user.is_verified()  # type: ignore[attr-defined]


def pending_authenticator(user: User) -> TOTPDevice:
    """Return the user's authenticator awaiting its first code, made if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).last()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


@transaction.atomic
def enrol_authenticator(
    request: HttpRequest, device: TOTPDevice, *, code: str
) -> list[str] | None:
    """Confirm a new authenticator with its first code; return new recovery codes.

    Any earlier authenticator stops working. None if the code is wrong.
    """
    user = device.user
    if not device.verify_token(_normalise_code(code)):
        audit.record(
            "mfa.enrolment_failed", actor=user, request=request, outcome="failure"
        )
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    otp_login(request, device)
    request.session.pop(REENROL_SESSION_KEY, None)
    request.session.cycle_key()
    audit.record("mfa.enrolled", actor=user, request=request)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    # Keep the device itself: a session verified by a recovery code stays so.
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    audit.record("mfa.recovery_codes_regenerated", actor=user, request=request)
    return codes
