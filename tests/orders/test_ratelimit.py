"""The shared token bucket in Redis: burst, refill, waiting callers, adopting Amazon's rate."""

import itertools

import pytest

from orders import ratelimit

ACCOUNTS = itertools.count(10_000_000)


@pytest.fixture
def account_id() -> int:
    account = next(ACCOUNTS)
    ratelimit.forget(account)
    yield account
    ratelimit.forget(account)


def test_the_burst_is_free_then_callers_wait_their_turn(account_id):
    plan = ratelimit.plan("getOrder2026")
    assert plan.burst == 29 and plan.rate == pytest.approx(0.45)
    waits = [ratelimit.reserve(account_id, "getOrder2026") for _ in range(plan.burst)]
    assert waits == [0.0] * plan.burst
    first, second = (ratelimit.reserve(account_id, "getOrder2026") for _ in range(2))
    # Reservations queue up: each further caller waits one more refill interval.
    assert first == pytest.approx(1 / plan.rate, rel=0.05)
    assert second == pytest.approx(2 / plan.rate, rel=0.05)


def test_a_caller_unwilling_to_wait_takes_nothing(account_id):
    for _ in range(ratelimit.plan("searchOrders").burst):
        ratelimit.reserve(account_id, "searchOrders")
    with pytest.raises(ratelimit.RateLimitWait) as error:
        ratelimit.reserve(account_id, "searchOrders", max_wait=5)
    assert error.value.seconds > 150  # searchOrders refills once every ~3 minutes
    with pytest.raises(ratelimit.RateLimitWait) as again:
        ratelimit.reserve(account_id, "searchOrders", max_wait=5)
    assert again.value.seconds == pytest.approx(error.value.seconds, abs=1)


def test_the_bucket_follows_the_rate_amazon_reports(account_id):
    for _ in range(ratelimit.plan("getOrders").burst):
        ratelimit.reserve(account_id, "getOrders")
    slow = ratelimit.reserve(account_id, "getOrders", max_wait=1000)
    ratelimit.adopt_rate(account_id, "getOrders", "10")
    fast = ratelimit.reserve(account_id, "getOrders", max_wait=1000)
    assert slow > 50 and fast < slow
    ratelimit.adopt_rate(account_id, "getOrders", "not a number")  # ignored


def test_a_429_empties_the_bucket_for_every_worker(account_id):
    assert ratelimit.reserve(account_id, "getAttributes") == 0
    ratelimit.throttled(account_id, "getAttributes")
    assert ratelimit.reserve(account_id, "getAttributes") > 0


def test_buckets_are_per_account_and_operation(account_id):
    for _ in range(ratelimit.plan("sendMessage").burst):
        ratelimit.reserve(account_id, "sendMessage")
    assert ratelimit.reserve(account_id, "getAttributes") == 0
    assert ratelimit.reserve(account_id + 1, "sendMessage") == 0
    ratelimit.forget(account_id + 1)
