"""Security headers Django does not send by itself (it already sends HSTS, nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy and X-Frame-Options; django-csp sends the CSP)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The helpdesk needs no camera, microphone, location, payment or USB access; say so.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
