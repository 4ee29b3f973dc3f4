"""Amazon misbehaving, through the real client against the sandbox: 5xx, slow answers, expired
and revoked tokens, and a 429 storm from two worker processes sharing one limiter."""

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from accounts.models import ConnectionState
from orders import ratelimit
from orders.client import AmazonUnavailable, NeedsReauthorisation, SellingPartnerClient
from orders.services import AccountNeedsReauthorisation, connection_for, hydrate_orders
from tests.factories import DE, UK

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr("orders.client.RETRY_BASE_SECONDS", 0.05)


def some_order_ids(sandbox, count: int) -> list[str]:
    return [o["order_id"] for o in sandbox.orders() if o["marketplace_id"] in (DE, UK)][:count]


def test_a_503_is_retried_and_then_succeeds(v2026_account, sandbox, quick_retries):
    (order_id,) = some_order_ids(sandbox, 1)
    sandbox.fault("getOrder2026", status=503, times=2)
    order = SellingPartnerClient(connection_for(v2026_account)).get_order_2026(order_id, [])
    assert order["orderId"] == order_id
    assert [c["status"] for c in sandbox.requests("getOrder2026")] == [503, 503, 200]


def test_a_lasting_500_gives_up_with_amazon_unavailable(v0_account, sandbox, quick_retries):
    (order_id,) = some_order_ids(sandbox, 1)
    sandbox.fault("getOrderItems", status=500, times=10)
    with pytest.raises(AmazonUnavailable) as error:
        SellingPartnerClient(connection_for(v0_account)).get_order_items(order_id)
    assert error.value.code == "InternalFailure"
    assert len(sandbox.requests("getOrderItems")) == 5  # RETRY_ATTEMPTS, then no more


def test_a_slow_answer_times_out_and_is_retried(v2026_account, sandbox, quick_retries):
    (order_id,) = some_order_ids(sandbox, 1)
    sandbox.fault("getOrder2026", delay=1.5)
    connection = replace(connection_for(v2026_account), timeout=0.5)
    started = time.monotonic()
    order = SellingPartnerClient(connection).get_order_2026(order_id, [])
    assert order["orderId"] == order_id
    assert time.monotonic() - started < 1.5  # the retry did not wait for the slow answer
    time.sleep(1.5)  # the sandbox logs the slow request once it has answered it
    assert len(sandbox.requests("getOrder2026")) == 2


def test_an_expired_access_token_is_replaced_by_a_new_one(v2026_account, sandbox, quick_retries):
    first, second = some_order_ids(sandbox, 2)
    api = SellingPartnerClient(connection_for(v2026_account))
    api.get_order_2026(first, [])
    sandbox.expire_tokens()
    assert api.get_order_2026(second, [])["orderId"] == second
    log = [(e["operation"], e["status"]) for e in sandbox.requests()]
    assert log == [
        ("lwaToken", 200),
        ("getOrder2026", 200),
        ("getOrder2026", 403),
        ("lwaToken", 200),
        ("getOrder2026", 200),
    ]


def test_a_revoked_refresh_token_needs_reauthorisation(v2026_account, sandbox):
    with pytest.raises(NeedsReauthorisation) as error:
        sandbox.revoke(v2026_account.refresh_token)
        SellingPartnerClient(connection_for(v2026_account)).check_login()
    assert error.value.code == "invalid_grant"


def test_lwa_refusal_marks_the_account_and_stops_all_calls(v2026_account, sandbox):
    order_ids = some_order_ids(sandbox, 3)
    sandbox.revoke(v2026_account.refresh_token)
    with pytest.raises(AccountNeedsReauthorisation):
        hydrate_orders(v2026_account.pk, order_ids)
    v2026_account.refresh_from_db()
    assert v2026_account.connection_state == ConnectionState.NEEDS_REAUTHORISATION
    assert "revoked" in v2026_account.connection_error
    calls = len(sandbox.requests())
    with pytest.raises(AccountNeedsReauthorisation):
        hydrate_orders(v2026_account.pk, order_ids)
    assert len(sandbox.requests()) == calls  # not one more call to Amazon
    assert (
        v2026_account.audit_events.filter(action="seller_account.needs_reauthorisation").count()
        == 1
    )


def run_workers(connection, order_ids: list[str], processes: int) -> list[dict]:
    spec = {
        k: v
        for k, v in connection.__dict__.items()
        if k in ("account_id", "client_id", "client_secret", "refresh_token", "region")
        or k.endswith("endpoint")
    }
    share = len(order_ids) // processes
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.orders.storm_worker",
                json.dumps(
                    {"connection": spec, "order_ids": order_ids[i * share : (i + 1) * share]}
                ),
            ],
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_worker_processes_share_one_bucket_and_stay_within_quota(v2026_account, sandbox):
    # Amazon's burst of 30 with a rate of 10/s: together the workers make 60 calls, twice the
    # burst, so only a shared bucket keeps them from being throttled.
    sandbox.rate_limits(getOrder2026=(10, 30))
    order_ids = some_order_ids(sandbox, 60)
    results = run_workers(connection_for(v2026_account), order_ids, processes=2)
    assert sum(r["done"] for r in results) == 60
    statuses = [c["status"] for c in sandbox.requests("getOrder2026")]
    assert statuses.count(200) == 60
    assert 429 not in statuses


def test_a_429_storm_is_absorbed_by_backoff_without_losing_a_call(v2026_account, sandbox):
    # Amazon suddenly grants far less than its published plan: the workers run into 429s, back
    # off, empty the shared bucket and follow the rate Amazon reports; every call completes.
    sandbox.rate_limits(getOrder2026=(4, 2))
    order_ids = some_order_ids(sandbox, 24)
    results = run_workers(connection_for(v2026_account), order_ids, processes=2)
    assert sum(r["done"] for r in results) == 24
    statuses = [c["status"] for c in sandbox.requests("getOrder2026")]
    assert statuses.count(200) == 24
    throttled = statuses.count(429)
    assert 0 < throttled < 24
    # After the storm the bucket runs at the rate Amazon reported (4/s less our margin).
    key = f"helpdesk:spapi:bucket:{v2026_account.pk}:getOrder2026"
    rate = float(ratelimit._redis().hget(key, "rate"))
    assert rate == pytest.approx(4 * ratelimit.RATE_MARGIN)
