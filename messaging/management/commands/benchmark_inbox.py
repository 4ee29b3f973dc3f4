"""Server time of the inbox page and of a thread page, at two data sizes.

    manage.py benchmark_inbox --sizes 1000 200000

For each size it uses the seller account "Benchmark <n> threads" (generating it with
generate_inbox_data when missing), signs in as its owner and requests, in this process through
the whole Django stack (middleware, views, templates, database), the inbox's first page and the
full thread pages of the threads on it. It prints the median and 95th percentile per page, the
number of database queries, and the ratio of the largest size to the smallest.
"""

import os
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
        targets = {}
        for size in sizes:
            name = f"Benchmark {size:,} threads"
            if not SellerAccount.objects.filter(name=name).exists():
                call_command("generate_inbox_data", threads=size, account=name, stdout=self.stdout)
            targets[size] = self._prepare(name)
        # Sizes take turns request by request, so a busy machine slows them all alike and the
        # ratio stays a measure of the data size.
        pages = ("inbox", "thread", "htmx")
        samples = {(size, page): [] for size in sizes for page in pages}
        queries = dict.fromkeys(samples, 0)
        for n in range(requests):
            for size, (client, inbox_url, thread_urls) in targets.items():
                thread_url = thread_urls[n % len(thread_urls)]
                for page, url in (
                    ("inbox", inbox_url),
                    ("thread", thread_url),
                    ("htmx", thread_url),
                ):
                    elapsed, count = self._time(client, url, htmx=page == "htmx")
                    samples[size, page].append(elapsed)
                    queries[size, page] = max(queries[size, page], count)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"{requests} requests per page and size; load average {load}")
        figures = {}
        for (size, page), values in samples.items():
            figures[size, page] = (statistics.median(values), _p95(values))
            self.stdout.write(
                f"{size:>9,} threads  {page:<6} page: median {figures[size, page][0]:6.1f} ms, "
                f"p95 {figures[size, page][1]:6.1f} ms, {queries[size, page]} queries"
            )
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            for page in pages:
                median = figures[large, page][0] / figures[small, page][0]
                p95 = figures[large, page][1] / figures[small, page][1]
                self.stdout.write(
                    f"ratio {large:,} / {small:,} threads, {page} page: "
                    f"median {median:.2f}, p95 {p95:.2f}"
                )

    def _prepare(self, name: str) -> tuple[Client, str, list[str]]:
        account = SellerAccount.objects.get(name=name)
        owner = Membership.objects.get(seller_account=account, role=Role.OWNER).user
        host = next((h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"), "localhost")
        client = Client(HTTP_HOST=host)
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
        return client, inbox_url, thread_urls

    def _time(self, client: Client, url: str, htmx: bool = False) -> tuple[float, int]:
        # htmx: the conversation alone, as a click in the list fetches it.
        headers = {"HX-Request": "true", "HX-Target": "conversation"} if htmx else {}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, secure=True, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed, len(captured)
