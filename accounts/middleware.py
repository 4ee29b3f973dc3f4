"""Mandatory two-factor authentication: before anything else, members of a seller account whose
owner requires it set up a second factor (or, with one already, prove it)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import scoping
from .security import has_second_factor

# Pages a person must still reach while their second factor is missing.
ALLOWED_URL_NAMES = frozenset(
    {
        "accounts:security",
        "accounts:authenticator_start",
        "accounts:authenticator_confirm",
        "accounts:two_factor_verify",
        "logout",
        "login",
        "healthz",
        "set_language",
    }
)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class TwoFactorRequiredMiddleware:
    """Placed after django-otp's OTPMiddleware, which tells whether this session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in ALLOWED_URL_NAMES:
            return None
        if not scoping.two_factor_required(user):
            return None
        if has_second_factor(user):
            # A session from before the second factor existed: sign in again, with it.
            logout(request)
            messages.info(request, _("Please sign in again with your authenticator app."))
            return _redirect(request, reverse("login"))
        target = reverse("accounts:security") + "?" + urlencode({"next": request.get_full_path()})
        messages.warning(
            request,
            _("Your team requires two-factor authentication. Please set it up to continue."),
        )
        return _redirect(request, target)
