"""Puts the "needs re-authorisation" banner's accounts into every page's context."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def reauthorisation_banner(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: the query runs only where a template shows the banner.
    return {
        "reauthorisation_accounts": SimpleLazyObject(
            lambda: selectors.accounts_needing_reauthorisation(user)
        )
    }
