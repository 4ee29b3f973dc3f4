"""Benchmark: hydrate the orders behind many threads through the Amazon sandbox and compare the
SP-API calls used with the fewest Amazon's operations allow for that data.

    python manage.py benchmark_orders            # 5,000 threads, 2,000 orders, both versions

For each Orders API version it runs once in this process and once with two Celery worker
processes sharing the work (and the rate limiter), and prints calls, lower bound, ratio, 429s
and wall time. The sandbox's request rates are scaled (bursts are Amazon's) so a run takes
seconds instead of hours; the number of calls does not depend on the scale.

Lower bound, per version, for N_in orders inside the incremental-sync window (which holds W
orders in all) and N_out orders outside it, whose purchase dates are unknown until fetched:
- v2026-01-01: ceil(W / 100) searchOrders pages + N_out getOrder (items come with the order);
- v0: ceil(W / 100) getOrders pages + ceil(N_out / 50) getOrders by id
  + (N_in + N_out) getOrderItems (v0 orders come without items).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import ConnectionState, Marketplace, SellerAccount
from messaging.models import Thread
from messaging.order_context import link_threads_to_orders, thread_order_ids
from orders import services as order_services
from orders.models import Order

BASE_DIR = Path(__file__).resolve().parents[3]
CLIENT_ID = "amzn1.application-oa2-client.sandbox"
CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - the sandbox app's own


class Command(BaseCommand):
    help = "Hydrate the orders behind many threads through the sandbox; print calls vs lower bound."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--threads", type=int, default=5000)
        parser.add_argument("--orders", type=int, default=2000)
        parser.add_argument("--rate-scale", type=float, default=100.0)
        parser.add_argument("--versions", default="2026-01-01,v0")
        parser.add_argument("--workers", default="1,2", help="process counts to run, e.g. 1,2")

    def handle(self, *args: object, **options: object) -> None:
        distinct = int(options["orders"])
        sandbox = _Sandbox(count=distinct * 2, rate_scale=float(options["rate_scale"]))
        try:
            self.stdout.write(
                f"sandbox {sandbox.url}: {len(sandbox.catalogue)} orders, request rates "
                f"x{options['rate_scale']:g}; {options['threads']} threads naming {distinct} "
                f"orders; sync window {settings.ORDERS_SYNC_WINDOW_DAYS} days"
            )
            columns = ("version", "workers", "calls", "bound", "ratio", "429s", "seconds")
            widths = (11, 7, 6, 6, 6, 5, 8)
            self.stdout.write(
                " ".join(
                    f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                    for i, (c, w) in enumerate(zip(columns, widths, strict=True))
                )
                + "  check"
            )
            for version in str(options["versions"]).split(","):
                for workers in (int(w) for w in str(options["workers"]).split(",")):
                    row = self.run_once(
                        sandbox, version, workers, int(options["threads"]), distinct
                    )
                    self.stdout.write(row)
        finally:
            sandbox.stop()

    def run_once(
        self, sandbox: _Sandbox, version: str, workers: int, threads: int, distinct: int
    ) -> str:
        window_start = datetime.now(UTC) - timedelta(days=settings.ORDERS_SYNC_WINDOW_DAYS)
        inside = [o for o in sandbox.catalogue if _purchased(o) >= window_start]
        outside = [o for o in sandbox.catalogue if _purchased(o) < window_start]
        rng = random.Random(11)  # noqa: S311 - a repeatable sample, not a secret
        n_in = min(len(inside), distinct // 2)
        named = rng.sample(inside, n_in) + rng.sample(outside, distinct - n_in)
        account = _account(sandbox, version)
        try:
            _threads(account, named, threads, rng)
            sandbox.clear_log()
            started = time.monotonic()
            if workers <= 1:
                order_services.sync_recent_orders(account.pk)
                order_services.hydrate_orders(account.pk, thread_order_ids(account.pk))
            else:
                _with_celery(account, workers)
            link_threads_to_orders(account.pk)
            seconds = time.monotonic() - started
            log = [e for e in sandbox.log() if e["operation"] != "lwaToken"]
            calls = sum(1 for e in log if e["status"] != 429)
            throttled = sum(1 for e in log if e["status"] == 429)
            n_out = distinct - n_in
            pages = math.ceil(len(inside) / 100)
            bound = pages + n_out if version != "v0" else pages + math.ceil(n_out / 50) + distinct
            complete = (
                Order.objects.filter(seller_account=account, items_fetched_at__isnull=False).count()
                >= distinct
                and not Thread.objects.filter(seller_account=account, order__isnull=True).exists()
            )
            check = "all orders stored, all threads linked" if complete else "INCOMPLETE"
            check += f" ({n_in} inside the window of {len(inside)}, {n_out} outside)"
            return (
                f"{version:<11} {workers:>7} {calls:>6} {bound:>6} {calls / bound:>6.3f} "
                f"{throttled:>5} {seconds:>8.1f}  {check}"
            )
        finally:
            account.delete()


def _purchased(order: dict) -> datetime:
    return datetime.fromisoformat(order["purchased_at"])


def _account(sandbox: _Sandbox, version: str) -> SellerAccount:
    account = SellerAccount.objects.create(
        name=f"Benchmark {uuid.uuid4().hex[:8]}",
        region="EU",
        lwa_client_id=CLIENT_ID,
        lwa_client_secret=CLIENT_SECRET,
        refresh_token="Atzr|benchmark-" + secrets.token_hex(8),  # fresh buckets at the sandbox
        sp_api_endpoint=sandbox.url,
        lwa_endpoint=sandbox.url,
        orders_api_version=version,
        connection_state=ConnectionState.CONNECTED,
    )
    account.marketplaces.set(
        Marketplace.objects.filter(id__in={o["marketplace_id"] for o in sandbox.catalogue})
    )
    return account


def _threads(account: SellerAccount, named: list[dict], count: int, rng: random.Random) -> None:
    """`count` threads over the named orders: every order at least once, some several times."""
    picks = named + [rng.choice(named) for _ in range(count - len(named))]
    now = timezone.now()
    Thread.objects.bulk_create(
        Thread(
            seller_account=account,
            marketplace_id=order["marketplace_id"],
            buyer_alias=f"{i:06d}-{order['buyer_alias']}",
            amazon_order_id=order["order_id"],
            subject="Where is my order?",
            last_activity_at=now,
        )
        for i, order in enumerate(picks)
    )


def _with_celery(account: SellerAccount, workers: int) -> None:
    """Run the sync and the hydration as Celery tasks on `workers` worker processes."""
    from helpdesk.celery import app

    queue = f"benchmark-{uuid.uuid4().hex[:8]}"
    processes = [
        subprocess.Popen(  # noqa: S603 - our own Celery entry point
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "helpdesk",
                "worker",
                "--concurrency",
                "1",
                "--queues",
                queue,
                "--hostname",
                f"{queue}-{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=os.environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    try:
        app.send_task("orders.tasks.sync_recent_orders", [account.pk], queue=queue).get(timeout=900)
        chunks = order_services.hydration_chunks(account.pk, thread_order_ids(account.pk))
        results = [
            app.send_task("orders.tasks.hydrate_orders", [account.pk, chunk], queue=queue)
            for chunk in chunks
        ]
        for result in results:
            result.get(timeout=900)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


class _Sandbox:
    """A sandbox process just for the benchmark, on a free loopback port."""

    def __init__(self, count: int, rate_scale: float) -> None:
        anchor = datetime.now(UTC).replace(microsecond=0).isoformat()
        self.process = subprocess.Popen(  # noqa: S603 - our own sandbox module
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--port",
                "0",
                "--seed",
                "11",
                "--count",
                str(count),
                "--anchor",
                anchor,
                "--rate-scale",
                str(rate_scale),
            ],
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"the sandbox did not start: {line}")
        self.url = match.group(1)
        self.catalogue = self._get("orders")

    def _get(self, name: str, method: str = "GET"):
        url = f"{self.url}/_sandbox/{name}"
        request = urllib.request.Request(url, method=method)  # noqa: S310 - loopback http
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read())

    def log(self) -> list[dict]:
        return self._get("requests")

    def clear_log(self) -> None:
        self._get("requests", "DELETE")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
