"""A person's own sign-in security: setting up an authenticator app, recovery codes."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from .. import scoping, security
from ..devices import AuthenticatorDevice
from ..forms import CodeForm
from .signin import safe_next


def _qr_svg(device: AuthenticatorDevice) -> str:
    # Rendered here, as an inline SVG of paths: no image request, no script, nothing leaves.
    qr = segno.make(device.config_url(settings.OTP_TOTP_ISSUER), error="m")
    svg = qr.svg_inline(scale=5, border=2, omitsize=True, dark="#111827", light="#ffffff")
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user input


def _security_page(request: HttpRequest, form: CodeForm | None = None, status: int = 200):
    user = request.user
    device = AuthenticatorDevice.objects.filter(user=user).order_by("-confirmed").first()
    context = {
        "device": device,
        "enabled": device is not None and device.confirmed,
        "required": scoping.two_factor_required(user),
        "codes_left": security.recovery_codes_left(user) if device and device.confirmed else 0,
        "form": form or CodeForm(),
        "next": safe_next(request, fallback=""),
    }
    if device is not None and not device.confirmed:
        context["qr_svg"] = _qr_svg(device)
        context["secret"] = " ".join(
            device.secret_base32[i : i + 4] for i in range(0, len(device.secret_base32), 4)
        )
    return render(request, "accounts/security.html", context, status=status)


@never_cache
@login_required
@require_GET
def security_page(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


@never_cache
@login_required
@require_POST
def authenticator_start(request: HttpRequest) -> HttpResponse:
    if security.has_second_factor(request.user):
        messages.info(request, _("Two-factor authentication is already on."))
    else:
        security.start_authenticator_enrolment(request.user)
    target = safe_next(request, fallback="")
    return redirect(_security_url(target))


def _security_url(next_url: str) -> str:
    base = reverse("accounts:security")
    return f"{base}?{urlencode({'next': next_url})}" if next_url else base


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_POST
def authenticator_confirm(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    device = AuthenticatorDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        return redirect("accounts:security")
    codes = None
    if form.is_valid():
        codes = security.confirm_authenticator(
            request.user,
            device,
            form.cleaned_data["code"],
            keep_session_key=request.session.session_key,
        )
    if codes is None:
        form.add_error("code", _("That code is not right. Type the code your app shows now."))
        return _security_page(request, form, status=400)
    device.refresh_from_db()
    otp_login(request, device)
    messages.success(request, _("Two-factor authentication is on."))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": safe_next(request)},
    )


@never_cache
@login_required
@require_POST
def recovery_codes_replace(request: HttpRequest) -> HttpResponse:
    try:
        codes = security.regenerate_recovery_codes(request.user)
    except security.TwoFactorError as error:
        messages.error(request, str(error))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": safe_next(request)},
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_POST
def second_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turning it off takes a current code, so a borrowed session alone cannot do it."""
    form = CodeForm(request.POST)
    if (
        not form.is_valid()
        or security.verify_second_factor(request.user, form.cleaned_data["code"]) is None
    ):
        messages.error(request, _("That code is not right; two-factor authentication stays on."))
        return redirect("accounts:security")
    try:
        security.remove_second_factor(request.user)
    except security.TwoFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:security")
