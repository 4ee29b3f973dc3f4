"""Signing in: a password, then (for people who set one up) a code from their authenticator
app or a recovery code. Failed passwords are throttled by django-axes; failed codes by the
devices themselves."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from .. import security
from ..forms import CodeForm, SignInForm

PENDING_KEY = "accounts.pending_sign_in"
MAX_CODE_FAILURES = 5


def safe_next(request: HttpRequest, fallback: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback or resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"]
        user = security.check_password(request, email, form.cleaned_data["password"])
        if user is None:
            security.record_failed_sign_in(request, email, "password")
            form.add_error(None, _("That email address and password do not match."))
        elif security.has_second_factor(user):
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": next_url,
                "failures": 0,
            }
            return redirect("accounts:two_factor_verify")
        else:
            login(request, user)
            security.record_sign_in(request, user, "password")
            return redirect(next_url)
    return render(request, "registration/login.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest) -> tuple[dict, object] | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (pending, user) if user is not None else None


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify_two_factor(request: HttpRequest) -> HttpResponse:
    """Second step of signing in; only reachable right after a correct password."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    pending, user = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = security.verify_second_factor(user, form.cleaned_data["code"])
        if result is not None:
            method, device = result
            del request.session[PENDING_KEY]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            security.record_sign_in(request, user, f"password+{method}")
            if method == "recovery_code":
                left = security.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left.") % {"left": left},
                )
            return redirect(pending["next"])
        security.record_failed_sign_in(request, user.email, "code")
        pending["failures"] += 1
        if pending["failures"] >= MAX_CODE_FAILURES:
            del request.session[PENDING_KEY]
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("login")
        request.session[PENDING_KEY] = pending
        form.add_error("code", _("That code is not right, or it was already used."))
    return render(request, "registration/two_factor_verify.html", {"form": form})
