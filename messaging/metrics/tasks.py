"""Beat tasks of the response metrics; each calls one function and returns what it did."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import SellerAccount

from . import alerts, rollups


@shared_task
def refresh_rollups() -> int:
    """Recompute the daily rollups that changes marked dirty."""
    return rollups.refresh_dirty()


@shared_task
def rebuild_recent_rollups() -> int:
    """Nightly safety net: rebuild the last 92 days of every account from the messages, so a
    change made outside the services' hooks (a thread's marketplace filled in later) heals."""
    days = 0
    today = timezone.now().date()
    for account in SellerAccount.objects.order_by("pk"):
        first = today - timedelta(days=rollups.LONGEST_WINDOW_DAYS + 2)
        days += rollups.rebuild(account, first=first)
    return days


@shared_task
def send_at_risk_alerts() -> int:
    return alerts.send_due_at_risk_alerts()


@shared_task
def send_daily_summaries() -> int:
    return alerts.send_daily_summaries()
