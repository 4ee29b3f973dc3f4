"""Order context for threads: fetch the orders that threads name and link each thread to its
order. The orders app owns the fetching; this module knows which orders threads need."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from orders import services as order_services
from orders.models import Order

from .models import Thread


def thread_order_ids(account_id: int) -> list[str]:
    """Distinct order ids named by the account's threads."""
    return list(
        Thread.objects.filter(seller_account_id=account_id)
        .exclude(amazon_order_id="")
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


def hydrate_thread_orders(account_id: int, order_ids: list[str] | None = None) -> int:
    """Fetch the orders behind the account's threads (or just `order_ids`) that are missing or
    stale, then link threads to them. Returns how many orders were read from Amazon."""
    ids = thread_order_ids(account_id) if order_ids is None else order_ids
    report = order_services.hydrate_orders(account_id, ids)
    link_threads_to_orders(account_id)
    return report.fetched
