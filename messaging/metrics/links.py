"""Where a thread lives in the product: the one place the dashboard, the alert emails and the
inbox build a thread's address."""

from django.conf import settings
from django.urls import reverse


def thread_url(thread_id: int) -> str:
    """The thread's page in the inbox."""
    return reverse("messaging:thread", args=[thread_id])


def absolute(path: str | None) -> str | None:
    """`path` as a full address for emails (SITE_URL in front)."""
    return f"{settings.SITE_URL}{path}" if path else None
