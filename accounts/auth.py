"""Hooks the sign-in throttle (django-axes) calls by dotted path from the settings."""

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """Count failures per address whatever its case: "Anna@Shop.de" is "anna@shop.de"."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()
