"""The local mirror of a seller's orders: storing what Amazon said, deciding what is fresh, and
fetching the rest in as few SP-API calls as Amazon's operations allow.

Cost model (what the fetch strategies minimise):
- orders in the incremental-sync window arrive 100 per page from searchOrders / getOrders;
- Orders v2026-01-01: one getOrder per other order, items included;
- Orders v0: one getOrders per 50 other order ids, plus one getOrderItems per order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import Marketplace, SellerAccount

from .client import NotFound, RateLimitWait, SellingPartnerClient
from .models import Order, OrderItem, OrderStatus, OrderSync
from .parsing import (
    ItemData,
    OrderData,
    item_from_v0,
    order_from_v0,
    order_from_v2026,
    parse_time,
)

V2026_INCLUDED = ["BUYER", "RECIPIENT", "FULFILLMENT", "PROCEEDS", "PACKAGES"]
V0_BATCH = 50
PAGE_SIZE = 100
FINAL_STATUSES = {OrderStatus.CANCELED, OrderStatus.UNFULFILLABLE}
NOT_FOUND_SECONDS = 24 * 3600
ORDER_FIELDS = [
    "marketplace_id",
    "status",
    "fulfillment_channel",
    "purchased_at",
    "amazon_updated_at",
    "latest_ship_date",
    "earliest_delivery_date",
    "latest_delivery_date",
    "shipped_at",
    "total_amount",
    "total_currency",
    "is_business_order",
    "is_prime",
    "buyer_name",
    "shipping_address",
    "fetched_at",
]


@dataclass
class FetchReport:
    """What one hydration or sync did."""

    requested: int = 0
    already_fresh: int = 0
    fetched: int = 0
    not_found: list[str] = field(default_factory=list)
    # Stopped before the end (time budget spent, or the rate limit asks for a long wait);
    # what was fetched is stored and the next run carries on without repeating a call.
    deferred: bool = False


class _OutOfTime(Exception):
    """The run's time budget is spent."""


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() >= deadline:
        raise _OutOfTime


def store(account: SellerAccount, orders: Iterable[OrderData], fetched_at: datetime) -> int:
    """Upsert `orders` (and their items, where the answer had them); returns how many."""
    orders = list(orders)
    if not orders:
        return 0
    known = set(
        Marketplace.objects.filter(id__in={d.marketplace_id for d in orders}).values_list(
            "id", flat=True
        )
    )
    with transaction.atomic():
        existing = {
            o.amazon_order_id: o
            for o in Order.objects.select_for_update().filter(
                seller_account=account, amazon_order_id__in=[d.amazon_order_id for d in orders]
            )
        }
        rows = []
        for data in orders:
            row = existing.get(data.amazon_order_id) or Order(
                seller_account=account, amazon_order_id=data.amazon_order_id
            )
            for name in ORDER_FIELDS:
                if name == "fetched_at":
                    continue
                value = getattr(data, name)
                if name == "marketplace_id" and value not in known:
                    value = None
                if name == "shipped_at" and value is None:
                    value = row.shipped_at
                setattr(row, name, value)
            if row.pii_purged_at is not None:  # purged personal data never comes back
                row.buyer_name, row.shipping_address = "", {}
            row.fetched_at = fetched_at
            rows.append(row)
        Order.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["seller_account", "amazon_order_id"],
            update_fields=ORDER_FIELDS,
        )
        with_items = [
            (row, data) for row, data in zip(rows, orders, strict=True) if data.items is not None
        ]
        if with_items:
            OrderItem.objects.filter(order__in=[row.pk for row, _ in with_items]).delete()
            OrderItem.objects.bulk_create(
                _item_row(row.pk, item) for row, data in with_items for item in data.items
            )
            Order.objects.filter(pk__in=[row.pk for row, _ in with_items]).update(
                items_fetched_at=fetched_at
            )
    return len(rows)


def fresh_minutes() -> int:
    return settings.ORDERS_FRESH_MINUTES


def is_fresh(order: Order, now: datetime, sync: OrderSync | None, needs_items: bool = True) -> bool:
    """True when `order` need not be read from Amazon again now.

    Fresh means: read recently enough for its state (open orders for ORDERS_FRESH_MINUTES,
    finished ones for a day), or kept current by an up-to-date incremental sync.
    """
    if order.fetched_at is None:
        return False
    if needs_items and (
        order.items_fetched_at is None
        or (order.amazon_updated_at and order.items_fetched_at < order.amazon_updated_at)
    ):
        return False
    recent = timedelta(minutes=fresh_minutes())
    if (
        sync is not None
        and sync.synced_until is not None
        and sync.window_start is not None
        and order.purchased_at is not None
        and order.purchased_at >= sync.window_start
        and sync.synced_until >= now - recent
    ):
        return True
    finished = order.status in FINAL_STATUSES or (
        order.status == OrderStatus.SHIPPED
        and order.latest_delivery_date is not None
        and order.latest_delivery_date < now - timedelta(days=2)
    )
    return order.fetched_at >= now - (timedelta(days=1) if finished else recent)


def _not_found_key(account_id: int, order_id: str) -> str:
    return f"orders:not-found:{account_id}:{order_id}"


def stale_ids(account: SellerAccount, order_ids: Iterable[str], now: datetime) -> tuple:
    """Split `order_ids` into (fresh count, ids whose order row is fresh but lacks current
    items, ids that must be fetched) — the last two only matter for Orders v0."""
    ids = sorted({i for i in order_ids if i})
    known_missing = cache.get_many([_not_found_key(account.pk, i) for i in ids])
    ids = [i for i in ids if _not_found_key(account.pk, i) not in known_missing]
    sync = OrderSync.objects.filter(seller_account=account).first()
    orders = {
        o.amazon_order_id: o
        for o in Order.objects.filter(seller_account=account, amazon_order_id__in=ids)
    }
    fresh, items_only, fetch = 0, [], []
    for order_id in ids:
        order = orders.get(order_id)
        if order is not None and is_fresh(order, now, sync):
            fresh += 1
        elif order is not None and is_fresh(order, now, sync, needs_items=False):
            items_only.append(order_id)
        else:
            fetch.append(order_id)
    return fresh, items_only, fetch


def hydrate(
    account: SellerAccount,
    client: SellingPartnerClient,
    order_ids: Iterable[str],
    deadline: float | None = None,
) -> FetchReport:
    """Make every order in `order_ids` present and fresh locally, fetching only what is not.

    With a `deadline` (time.monotonic()), stop when it passes or when the rate limiter would
    make the next call wait longer than the client's max_wait; everything fetched so far is
    stored, so calling again later finishes the job without repeating a call.
    """
    now = timezone.now()
    wanted = {i for i in order_ids if i}
    fresh, items_only, fetch = stale_ids(account, wanted, now)
    report = FetchReport(requested=len(wanted), already_fresh=fresh)
    try:
        if account.orders_api_version == "v0":
            _hydrate_v0(account, client, items_only, fetch, report, deadline)
        else:
            for order_id in [*items_only, *fetch]:
                _check(deadline)
                try:
                    raw = client.get_order_2026(order_id, V2026_INCLUDED)
                except NotFound:
                    _remember_missing(account, order_id, report)
                    continue
                report.fetched += store(account, [order_from_v2026(raw)], timezone.now())
    except (_OutOfTime, RateLimitWait):
        report.deferred = True
    return report


def _hydrate_v0(
    account,
    client,
    items_only: list[str],
    fetch: list[str],
    report: FetchReport,
    deadline: float | None,
) -> None:
    marketplace_ids = list(account.marketplaces.values_list("id", flat=True)) or None
    found: list[str] = []
    for start in range(0, len(fetch), V0_BATCH):
        _check(deadline)
        batch = fetch[start : start + V0_BATCH]
        filters = {
            "AmazonOrderIds": batch,
            # getOrders insists on a time filter even with ids; Amazon keeps two years.
            "CreatedAfter": (timezone.now() - timedelta(days=729)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "MaxResultsPerPage": PAGE_SIZE,
        }
        if marketplace_ids:
            filters["MarketplaceIds"] = marketplace_ids
        page = client.get_orders(**filters)
        # Stored at once (items still to come): an interrupted run never asks for them again.
        store(account, [order_from_v0(raw) for raw in page.orders], timezone.now())
        found.extend(raw["AmazonOrderId"] for raw in page.orders)
        for order_id in set(batch) - {raw["AmazonOrderId"] for raw in page.orders}:
            _remember_missing(account, order_id, report)
    for order_id in [*items_only, *found]:
        _check(deadline)
        items = client.get_order_items(order_id)
        order = Order.objects.get(seller_account=account, amazon_order_id=order_id)
        _store_items(order, items)
        report.fetched += 1


def _item_row(order_id: int, item: ItemData) -> OrderItem:
    return OrderItem(
        order_id=order_id,
        order_item_id=item.order_item_id,
        asin=item.asin,
        sku=item.sku,
        title=item.title,
        quantity=item.quantity,
        quantity_shipped=item.quantity_shipped,
        item_price_amount=item.price_amount,
        item_price_currency=item.price_currency,
    )


def _store_items(order: Order, items: list[dict]) -> None:
    now = timezone.now()
    with transaction.atomic():
        OrderItem.objects.filter(order=order).delete()
        OrderItem.objects.bulk_create(
            _item_row(order.pk, item) for item in map(item_from_v0, items)
        )
        Order.objects.filter(pk=order.pk).update(items_fetched_at=now)


def _remember_missing(account: SellerAccount, order_id: str, report: FetchReport) -> None:
    # A buyer can mistype an order id; do not ask Amazon about it again for a day.
    cache.set(_not_found_key(account.pk, order_id), 1, NOT_FOUND_SECONDS)
    report.not_found.append(order_id)


def sync_window(
    account: SellerAccount, client: SellingPartnerClient, deadline: float | None = None
) -> FetchReport:
    """Bring the mirror up to date with what changed at Amazon since the last sync.

    The first run (or one after a long pause) reads every order created in the window;
    later runs ask only for orders updated since the previous run's end. A run that stops
    early (see `hydrate`) saves its place in the pagination and the next run resumes there.
    """
    now = timezone.now()
    sync, _ = OrderSync.objects.get_or_create(seller_account=account)
    report = FetchReport()
    state = _resumable(sync, now) or _new_pass(account, sync, now)
    v0 = account.orders_api_version == "v0"
    parse = order_from_v0 if v0 else order_from_v2026
    try:
        while True:
            _check(deadline)
            page_filters = dict(state["filters"])
            if state["token"]:
                page_filters["NextToken" if v0 else "paginationToken"] = state["token"]
            page = client.get_orders(**page_filters) if v0 else client.search_orders(**page_filters)
            state["before"] = state["before"] or page.before
            report.fetched += store(account, [parse(raw) for raw in page.orders], timezone.now())
            report.requested += len(page.orders)
            state["token"] = page.next_token
            if not state["token"]:
                break
    except (_OutOfTime, RateLimitWait):
        report.deferred = True
        sync.resume = state
        sync.last_run_at = now
        sync.save(update_fields=["resume", "last_run_at"])
        return report
    if not state["incremental"]:
        sync.window_start = datetime.fromisoformat(state["window_start"])
    sync.synced_until = parse_time(state["before"]) or datetime.fromisoformat(state["started_at"])
    sync.last_run_at = now
    sync.last_error = ""
    sync.resume = {}
    sync.save()
    return report


# Amazon's pagination tokens expire after 24 hours; resume well inside that.
RESUME_FOR = timedelta(hours=20)


def _resumable(sync: OrderSync, now: datetime) -> dict | None:
    state = sync.resume or {}
    if state.get("token") and datetime.fromisoformat(state["started_at"]) > now - RESUME_FOR:
        return state
    return None


def _new_pass(account: SellerAccount, sync: OrderSync, now: datetime) -> dict:
    """The filters of a fresh pass over what changed (or over the whole window)."""
    window_start = now - timedelta(days=settings.ORDERS_SYNC_WINDOW_DAYS)
    incremental = sync.synced_until is not None and sync.synced_until >= window_start
    marketplace_ids = list(account.marketplaces.values_list("id", flat=True))
    since = (sync.synced_until if incremental else window_start).strftime("%Y-%m-%dT%H:%M:%SZ")
    if account.orders_api_version == "v0":
        filters: dict = {"LastUpdatedAfter" if incremental else "CreatedAfter": since}
        filters["MaxResultsPerPage"] = PAGE_SIZE
        if marketplace_ids:
            filters["MarketplaceIds"] = marketplace_ids
    else:
        filters = {"lastUpdatedAfter" if incremental else "createdAfter": since}
        filters.update(maxResultsPerPage=PAGE_SIZE, includedData=V2026_INCLUDED)
        if marketplace_ids:
            filters["marketplaceIds"] = marketplace_ids
    return {
        "filters": filters,
        "token": None,
        "before": None,
        "incremental": incremental,
        "window_start": window_start.isoformat(),
        "started_at": now.isoformat(),
    }
