"""Signing in and second factors: what happens, and what the audit trail remembers of it.

Sign-in events belong to a person, not to one seller account, so each is recorded once in
every seller account the person is an active member of: that account's owners see it.
"""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import audit, scoping
from .devices import AuthenticatorDevice, RecoveryCodeDevice
from .models import Membership, User
from .services import end_sessions


class TwoFactorError(Exception):
    """A second-factor change that is not allowed; str() is a sentence for the person."""


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR is what Django trusts (a proxy in front sets it via gunicorn's forwarding).
    return request.META.get("REMOTE_ADDR", "")


def _record_for_person(user: User, action: str, data: dict) -> None:
    account_ids = Membership.objects.filter(user=user, is_active=True).values_list(
        "seller_account_id", flat=True
    )
    for account_id in account_ids:
        audit.record(user, action, seller_account=account_id, target=user, data=data)


def record_sign_in(request: HttpRequest, user: User, method: str) -> None:
    """`method`: "password", "password+authenticator" or "password+recovery_code"."""
    data = {"ip": client_ip(request), "method": method}
    _record_for_person(user, "auth.signed_in", data)


def record_failed_sign_in(request: HttpRequest, email: str, reason: str) -> None:
    """A wrong password or code for a known address; unknown addresses leave no trace here
    (they are still counted by the sign-in throttle)."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is not None:
        _record_for_person(user, "auth.sign_in_failed", {"ip": client_ip(request), "why": reason})


def check_password(request: HttpRequest, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (also when throttled)."""
    user = authenticate(request, username=email, password=password)
    return user if user is not None and user.is_active else None


def confirmed_authenticator(user: User) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(user: User, code: str) -> tuple[str, object] | None:
    """Check an authenticator code or a recovery code; returns (method, device) or None.

    Both devices throttle repeated failures (django-otp doubles the wait after each one).
    """
    code = (code or "").strip()
    with transaction.atomic():
        devices = AuthenticatorDevice.objects.select_for_update()
        device = devices.filter(user=user, confirmed=True).first()
        if device is not None and code.replace(" ", "").isdigit():
            return ("authenticator", device) if device.verify_token(code) else None
        recovery = RecoveryCodeDevice.objects.select_for_update().filter(user=user).first()
        if recovery is not None and recovery.verify_token(code):
            return ("recovery_code", recovery)
    return None


@transaction.atomic
def start_authenticator_enrolment(user: User) -> AuthenticatorDevice:
    """The device waiting for its first code (a new secret unless one is already waiting)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name=_("Authenticator app"), confirmed=False
        )
    return device


@transaction.atomic
def confirm_authenticator(
    user: User, device: AuthenticatorDevice, code: str, *, keep_session_key: str | None
) -> list[str] | None:
    """Confirm enrolment with the first code from the app.

    Returns a fresh set of recovery codes (to show once), or None when the code is wrong.
    Every other session of the person ends: they now sign in with their second factor.
    """
    device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(code):
        return None
    AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": _("Recovery codes")}
    )
    codes = recovery.replace_codes()
    end_sessions(user, keep_session_key=keep_session_key)
    _record_for_person(user, "user.two_factor_enabled", {})
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    if not has_second_factor(user):
        raise TwoFactorError(_("Set up an authenticator app first."))
    recovery, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": _("Recovery codes")}
    )
    codes = recovery.replace_codes()
    _record_for_person(user, "user.recovery_codes_replaced", {})
    return codes


@transaction.atomic
def remove_second_factor(user: User) -> None:
    """Turn two-factor sign-in off, unless a seller account of the person requires it."""
    if scoping.two_factor_required(user):
        raise TwoFactorError(_("A seller account you work in requires two-factor authentication."))
    AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    _record_for_person(user, "user.two_factor_disabled", {})


def recovery_codes_left(user: User) -> int:
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    return device.codes.count() if device else 0
