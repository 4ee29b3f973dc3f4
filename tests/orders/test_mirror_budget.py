"""Beat runs order work with a time budget: a run that meets Amazon's quota stops instead of
holding a worker, keeps what it fetched, and the next run finishes without repeating a call."""

import pytest
from django.core.cache import cache

from messaging.order_context import hydrate_thread_orders
from orders import ratelimit
from orders.models import Order, OrderSync
from orders.services import sync_recent_orders
from tests.factories import OrderFactory, ThreadFactory

from .test_mirror import ids_in


@pytest.fixture
def small_quota(monkeypatch, sandbox):
    """Give one operation a tiny usage plan, as Amazon would for a small seller: a few calls,
    then a wait far beyond what a budgeted run accepts. Our limiter learns the rate from the
    x-amzn-RateLimit-Limit header of the sandbox's answers and its burst from our plan table."""

    def shrink(operation: str, burst: int) -> None:
        monkeypatch.setitem(ratelimit.USAGE_PLANS, operation, (0.001, burst + 1))
        # Amazon's answers advertise the small rate; its own bucket is never what stops us.
        sandbox.rate_limits(**{operation: (0.001, 100)})

    return shrink


def restore_quota(monkeypatch, sandbox, account_id: int) -> None:
    monkeypatch.undo()
    sandbox.rate_limits(**{op: plan for op, plan in ratelimit.USAGE_PLANS.items()})
    ratelimit.forget(account_id)


def test_budgeted_hydration_stops_at_the_quota_and_the_next_run_repeats_no_call(
    amazon_account, sandbox, small_quota, monkeypatch
):
    order_ids = ids_in(sandbox, older_than_days=40, count=12)
    for order_id in order_ids:
        ThreadFactory(seller_account=amazon_account, amazon_order_id=order_id)
    v0 = amazon_account.orders_api_version == "v0"
    small_quota("getOrderItems" if v0 else "getOrder2026", burst=4)
    ratelimit.forget(amazon_account.pk)

    assert hydrate_thread_orders(amazon_account.pk, budget_seconds=30) == 4
    with_items = Order.objects.filter(seller_account=amazon_account, items_fetched_at__isnull=False)
    assert with_items.count() == 4
    assert amazon_account.threads.filter(order__isnull=False).count() >= 4

    restore_quota(monkeypatch, sandbox, amazon_account.pk)
    assert hydrate_thread_orders(amazon_account.pk, budget_seconds=30) == 8
    assert amazon_account.threads.filter(order__isnull=True).count() == 0
    assert {c["status"] for c in sandbox.api_calls()} == {200}  # never throttled
    if v0:
        assert len(sandbox.requests("getOrders")) == 1
        assert len(sandbox.requests("getOrderItems")) == 12
    else:
        assert len(sandbox.requests("getOrder2026")) == 12


def test_budgeted_sync_resumes_its_pages_where_it_stopped(
    amazon_account, sandbox, settings, small_quota, monkeypatch
):
    settings.ORDERS_SYNC_WINDOW_DAYS = 80
    window = set(ids_in(sandbox, newer_than_days=80))
    pages = -(-len(window) // 100)
    assert pages >= 2, "the test needs a window of several pages"
    v0 = amazon_account.orders_api_version == "v0"
    small_quota("getOrders" if v0 else "searchOrders", burst=1)
    ratelimit.forget(amazon_account.pk)

    first = sync_recent_orders(amazon_account.pk, budget_seconds=30)
    assert first.deferred and first.requested == 100
    sync = OrderSync.objects.get(seller_account=amazon_account)
    assert sync.resume["token"] and sync.synced_until is None

    restore_quota(monkeypatch, sandbox, amazon_account.pk)
    second = sync_recent_orders(amazon_account.pk, budget_seconds=30)
    assert not second.deferred
    assert first.requested + second.requested == len(window)
    calls = sandbox.api_calls()
    assert len(calls) == pages  # no page read twice
    assert {c["status"] for c in calls} == {200}
    token = "NextToken" if v0 else "paginationToken"
    assert token in calls[1]["query"]  # the second run went on from the saved page
    assert set(Order.objects.values_list("amazon_order_id", flat=True)) == window
    sync.refresh_from_db()
    assert sync.resume == {} and sync.synced_until and sync.window_start


def test_hydration_links_orders_already_stored_before_calling_amazon(v2026_account, sandbox):
    order = OrderFactory(seller_account=v2026_account)
    order.items_fetched_at = order.fetched_at = order.purchased_at
    order.save()
    thread = ThreadFactory(seller_account=v2026_account, amazon_order_id=order.amazon_order_id)
    hydrate_thread_orders(v2026_account.pk, budget_seconds=0)  # no time for a single call
    thread.refresh_from_db()
    assert thread.order == order
    assert sandbox.api_calls() == []


def test_one_hydration_per_account_at_a_time(v2026_account, sandbox):
    ThreadFactory(seller_account=v2026_account, amazon_order_id=ids_in(sandbox, count=1)[0])
    lock = f"orders:hydrate-threads-lock:{v2026_account.pk}"
    cache.add(lock, 1, 60)
    try:
        assert hydrate_thread_orders(v2026_account.pk, budget_seconds=30) is None
        assert sandbox.api_calls() == []
    finally:
        cache.delete(lock)
