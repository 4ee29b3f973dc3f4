"""Server time of the inbox page and of a thread page, at two data sizes.

    manage.py benchmark_inbox --sizes 1000 200000

For each size it uses the seller account "Benchmark <n> threads" (generating it with
generate_inbox_data when missing), signs in as its owner and requests, in this process through
the whole Django stack (middleware, views, templates, database), the inbox's first page and the
full thread pages of the threads on it. It prints the median and 95th percentile per page, the
number of database queries, and the ratio of the largest size to the smallest.
"""

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role, SellerAccount
from messaging.models import Thread


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Print the server time (median, p95) of the inbox and thread pages at two sizes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 200_000])
        parser.add_argument("--requests", type=int, default=60)

    def handle(self, *args: object, sizes: list[int], requests: int, **options: object) -> None:
        results = {}
        for size in sizes:
            name = f"Benchmark {size:,} threads"
            if not SellerAccount.objects.filter(name=name).exists():
                call_command("generate_inbox_data", threads=size, account=name, stdout=self.stdout)
            results[size] = self._measure(name, requests)
            self._print(size, results[size])
        if len(sizes) > 1:
            small, large = results[min(sizes)], results[max(sizes)]
            for page in ("inbox", "thread"):
                self.stdout.write(
                    f"ratio {max(sizes):,} / {min(sizes):,} threads, {page} page: "
                    f"median {large[page]['median'] / small[page]['median']:.2f}, "
                    f"p95 {large[page]['p95'] / small[page]['p95']:.2f}"
                )

    def _measure(self, name: str, requests: int) -> dict:
        account = SellerAccount.objects.get(name=name)
        owner = Membership.objects.get(seller_account=account, role=Role.OWNER).user
        host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost")
        client = Client(HTTP_HOST=host if host != "*" else "localhost")
        client.force_login(owner)
        thread_ids = list(
            Thread.objects.filter(seller_account=account, status="needs_reply")
            .order_by("response_deadline", "id")
            .values_list("id", flat=True)[:50]
        )
        inbox_url = reverse("home")
        thread_urls = [reverse("messaging:thread", args=[pk]) for pk in thread_ids]
        for url in [inbox_url, *thread_urls[:5]]:  # warm caches and connections
            client.get(url, secure=True)
        pages = {"inbox": [inbox_url] * requests, "thread": [
            thread_urls[n % len(thread_urls)] for n in range(requests)
        ]}  # fmt: skip
        result = {}
        for page, urls in pages.items():
            samples, queries = [], 0
            for url in urls:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, secure=True)
                    samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                queries = max(queries, len(captured))
            result[page] = {
                "median": statistics.median(samples),
                "p95": _p95(samples),
                "queries": queries,
            }
        return result

    def _print(self, size: int, result: dict) -> None:
        for page, figures in result.items():
            self.stdout.write(
                f"{size:>9,} threads  {page:<6} page: median {figures['median']:6.1f} ms, "
                f"p95 {figures['p95']:6.1f} ms, {figures['queries']} queries"
            )
