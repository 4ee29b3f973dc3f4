"""Order context for threads: fetch the orders that threads name and link each thread to its
order. The orders app owns the fetching; this module knows which orders threads need."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from orders import services as order_services
from orders.models import Order

from .models import Thread, ThreadStatus


def thread_order_ids(account_id: int, active_since: datetime | None = None) -> list[str]:
    """Distinct order ids named by the account's threads (those active since `active_since`,
    or waiting for a reply, when given)."""
    threads = Thread.objects.filter(seller_account_id=account_id)
    if active_since is not None:
        threads = threads.filter(
            Q(last_activity_at__gte=active_since) | Q(status=ThreadStatus.NEEDS_REPLY)
        )
    return list(
        threads.exclude(amazon_order_id="")
        .values_list("amazon_order_id", flat=True)
        .distinct()
        .order_by("amazon_order_id")
    )


def link_threads_to_orders(account_id: int) -> int:
    """Point every unlinked thread at the stored order its `amazon_order_id` names (one UPDATE)."""
    order = Order.objects.filter(
        seller_account_id=OuterRef("seller_account_id"), amazon_order_id=OuterRef("amazon_order_id")
    ).values("pk")[:1]
    return (
        Thread.objects.filter(seller_account_id=account_id, order__isnull=True)
        .exclude(amazon_order_id="")
        .filter(
            amazon_order_id__in=Order.objects.filter(seller_account_id=account_id).values(
                "amazon_order_id"
            )
        )
        .update(order=Subquery(order))
    )


def hydrate_thread_orders(
    account_id: int, order_ids: list[str] | None = None, budget_seconds: float | None = None
) -> int | None:
    """Fetch the orders behind the account's current threads (or just `order_ids`) that are
    missing or stale, and link threads to them. Returns how many orders were read from Amazon,
    or None when another worker is already doing this for the account.

    Current: active within the order-sync window or waiting for a reply; long-closed threads
    keep the order they have instead of costing calls every day. Threads are linked first too,
    so orders the incremental sync stored show up at once. With a budget the run stops early
    and the next one carries on (see orders.services.hydrate_orders).
    """
    lock = f"orders:hydrate-threads-lock:{account_id}"
    if not cache.add(lock, 1, int(budget_seconds or 3000) + 60):
        return None
    try:
        link_threads_to_orders(account_id)
        if order_ids is None:
            since = timezone.now() - timedelta(days=settings.ORDERS_SYNC_WINDOW_DAYS)
            order_ids = thread_order_ids(account_id, active_since=since)
        report = order_services.hydrate_orders(account_id, order_ids, budget_seconds=budget_seconds)
        link_threads_to_orders(account_id)
        return report.fetched
    finally:
        cache.delete(lock)
