"""The order mirror against the sandbox: hydrating the orders threads name in the fewest calls,
never refetching fresh data, the incremental sync, linking threads, and the buyer-data purge."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from messaging.order_context import hydrate_thread_orders, link_threads_to_orders
from orders.models import Order, OrderSync
from orders.services import purge_buyer_data, sync_recent_orders
from tests.factories import DE, UK, OrderFactory, ThreadFactory


def ids_in(sandbox, *, newer_than_days=None, older_than_days=None, count=None) -> list[str]:
    now = datetime.now(UTC)
    result = []
    for o in sandbox.orders():
        purchased = datetime.fromisoformat(o["purchased_at"])
        if o["marketplace_id"] not in (DE, UK):
            continue
        if newer_than_days is not None and purchased < now - timedelta(days=newer_than_days):
            continue
        if older_than_days is not None and purchased > now - timedelta(days=older_than_days):
            continue
        result.append(o["order_id"])
    return result[:count] if count else result


def test_hydrating_thread_orders_stores_orders_with_items_and_links_threads(
    amazon_account, sandbox
):
    order_ids = ids_in(sandbox, older_than_days=40, count=7)
    for order_id in order_ids:
        ThreadFactory.create_batch(2, seller_account=amazon_account, amazon_order_id=order_id)
    ThreadFactory(seller_account=amazon_account, amazon_order_id="")  # a pre-sale question

    assert hydrate_thread_orders(amazon_account.pk) == 7
    orders = Order.objects.filter(seller_account=amazon_account)
    assert sorted(orders.values_list("amazon_order_id", flat=True)) == sorted(order_ids)
    assert all(o.items.exists() and o.items_fetched_at for o in orders)
    assert amazon_account.threads.filter(order__isnull=True).count() == 1
    assert all(
        t.order.amazon_order_id == t.amazon_order_id
        for t in amazon_account.threads.exclude(amazon_order_id="")
    )
    calls = {e["operation"] for e in sandbox.api_calls()}
    if amazon_account.orders_api_version == "v0":
        # one getOrders for the 7 ids, one getOrderItems each
        assert len(sandbox.requests("getOrders")) == 1
        assert len(sandbox.requests("getOrderItems")) == 7
        assert calls == {"getOrders", "getOrderItems"}
    else:
        assert len(sandbox.requests("getOrder2026")) == 7
        assert calls == {"getOrder2026"}


def test_fresh_orders_are_not_fetched_again(amazon_account, sandbox):
    order_ids = ids_in(sandbox, older_than_days=40, count=3)
    for order_id in order_ids:
        ThreadFactory(seller_account=amazon_account, amazon_order_id=order_id)
    hydrate_thread_orders(amazon_account.pk)
    before = len(sandbox.api_calls())
    assert hydrate_thread_orders(amazon_account.pk) == 0
    assert len(sandbox.api_calls()) == before


def test_an_unknown_order_id_is_asked_about_once(amazon_account, sandbox):
    ThreadFactory(seller_account=amazon_account, amazon_order_id="302-0000000-0000001")
    hydrate_thread_orders(amazon_account.pk)
    before = len(sandbox.api_calls())
    hydrate_thread_orders(amazon_account.pk)
    assert len(sandbox.api_calls()) == before == 1


def test_the_sync_pulls_the_window_then_only_what_changed(amazon_account, sandbox, settings):
    settings.ORDERS_SYNC_WINDOW_DAYS = 10
    window = set(ids_in(sandbox, newer_than_days=10))
    report = sync_recent_orders(amazon_account.pk)
    assert report.requested == len(window)
    assert set(Order.objects.values_list("amazon_order_id", flat=True)) == window
    first = sandbox.api_calls()
    assert len(first) == -(-len(window) // 100)
    assert all(("createdAfter" in c["query"] or "CreatedAfter" in c["query"]) for c in first)
    sync = OrderSync.objects.get(seller_account=amazon_account)
    assert sync.synced_until and sync.window_start

    # Two days later: open orders have shipped, parcels arrived, new orders came in.
    sandbox.advance(2 * 86400)
    changed = {
        o["order_id"]
        for o in sandbox.orders()
        if o["marketplace_id"] in (DE, UK)
        and datetime.fromisoformat(o["last_updated_at"]) >= sync.synced_until
    }
    assert changed
    report = sync_recent_orders(amazon_account.pk)
    assert report.requested == len(changed)
    second = sandbox.api_calls()[len(first) :]
    assert all(
        ("lastUpdatedAfter" in c["query"] or "LastUpdatedAfter" in c["query"]) for c in second
    )
    statuses = {o["order_id"]: o["status"] for o in sandbox.orders()}
    for order in Order.objects.filter(amazon_order_id__in=changed):
        assert order.status == statuses[order.amazon_order_id]


def test_orders_kept_current_by_the_sync_need_no_calls_when_a_buyer_writes(
    v2026_account, sandbox, settings
):
    settings.ORDERS_SYNC_WINDOW_DAYS = 10
    sync_recent_orders(v2026_account.pk)
    synced = len(sandbox.api_calls())
    for order_id in ids_in(sandbox, newer_than_days=10, count=20):
        ThreadFactory(seller_account=v2026_account, amazon_order_id=order_id)
    assert hydrate_thread_orders(v2026_account.pk) == 0
    assert len(sandbox.api_calls()) == synced
    assert v2026_account.threads.filter(order__isnull=False).count() == 20


def test_link_threads_leaves_threads_without_a_stored_order_alone(team):
    order = OrderFactory(seller_account=team.account)
    linked = ThreadFactory(seller_account=team.account, amazon_order_id=order.amazon_order_id)
    other = ThreadFactory(seller_account=team.account)
    foreign = ThreadFactory(
        seller_account=team.other_account, amazon_order_id=order.amazon_order_id
    )
    assert link_threads_to_orders(team.account.pk) == 1
    linked.refresh_from_db()
    other.refresh_from_db()
    foreign.refresh_from_db()
    assert linked.order == order and other.order is None and foreign.order is None


def test_buyer_data_is_purged_thirty_days_after_delivery(team):
    now = timezone.now()
    address = {"Name": "Anna Beispiel", "City": "Berlin"}
    due = OrderFactory(
        seller_account=team.account,
        delivered_at=now - timedelta(days=31),
        buyer_name="Anna Beispiel",
        shipping_address=address,
        total_amount=Decimal("10.00"),
    )
    promised = OrderFactory(
        seller_account=team.account,
        latest_delivery_date=now - timedelta(days=32),
        buyer_name="Ben",
        shipping_address=address,
    )
    recent = OrderFactory(
        seller_account=team.account,
        delivered_at=now - timedelta(days=29),
        buyer_name="Clara",
        shipping_address=address,
    )
    cancelled = OrderFactory(
        seller_account=team.account,
        status="Canceled",
        purchased_at=now - timedelta(days=40),
        buyer_name="Dora",
    )
    assert purge_buyer_data(now) == 3
    for order in (due, promised, recent, cancelled):
        order.refresh_from_db()
    assert (due.buyer_name, due.shipping_address, due.pii_purged_at) == ("", {}, now)
    assert due.total_amount == Decimal("10.00")  # the order itself stays
    assert promised.buyer_name == "" and cancelled.buyer_name == ""
    assert recent.buyer_name == "Clara" and recent.pii_purged_at is None
    assert purge_buyer_data(now) == 0


def test_purged_buyer_data_does_not_come_back_on_refetch(v2026_account, sandbox):
    (order_id,) = ids_in(sandbox, older_than_days=40, count=1)
    ThreadFactory(seller_account=v2026_account, amazon_order_id=order_id)
    hydrate_thread_orders(v2026_account.pk)
    order = Order.objects.get(amazon_order_id=order_id)
    assert order.buyer_name
    purge_buyer_data(timezone.now() + timedelta(days=400))
    Order.objects.filter(pk=order.pk).update(fetched_at=None)
    hydrate_thread_orders(v2026_account.pk)
    order.refresh_from_db()
    assert order.buyer_name == "" and order.shipping_address == {} and order.items.exists()


def test_long_closed_threads_cost_no_calls(v2026_account, sandbox):
    (order_id,) = ids_in(sandbox, older_than_days=40, count=1)
    ThreadFactory(
        seller_account=v2026_account,
        amazon_order_id=order_id,
        status="closed",
        last_activity_at=timezone.now() - timedelta(days=90),
    )
    assert hydrate_thread_orders(v2026_account.pk) == 0
    assert sandbox.api_calls() == []
