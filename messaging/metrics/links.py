"""Where a thread lives in the product. The one place the dashboard and the alert emails build
a thread's address, so it can be pointed at the inbox's real thread view in one line."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

THREAD_URL_NAME = "messaging:thread"


def thread_url(thread_id: int) -> str | None:
    """The thread's page, or None while no view named `messaging:thread` exists."""
    try:
        return reverse(THREAD_URL_NAME, args=[thread_id])
    except NoReverseMatch:
        return None


def absolute(path: str | None) -> str | None:
    """`path` as a full address for emails (SITE_URL in front)."""
    return f"{settings.SITE_URL}{path}" if path else None
