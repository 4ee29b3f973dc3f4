"""Generated message history at scale, and timing of the dashboard against it.

Used by the `generate_response_history` and `benchmark_dashboard` commands. The generator
writes threads and messages straight into their tables with PostgreSQL's COPY (the services
would take hours for a million messages), then builds the rollups in one pass. Run it on a
database nobody else is writing to: it reserves id ranges by moving the id sequences.
"""

import io
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import psutil
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Marketplace, Membership, Role, SellerAccount, User

from . import core, rollups, selectors
from .models import SellerCentralNrn

MARKETPLACES = [
    "A1PA6795UKMFR9",
    "A1F83G8C2ARO7P",
    "A13V1IB3VIYZZH",
    "APJ6JRA9NG5V4",
    "A1RKKUPIHCS9HS",
]
AGENTS = 8

THREAD_COLUMNS = (
    "id, seller_account_id, marketplace_id, buyer_alias, buyer_name, amazon_order_id, subject, "
    "language, snippet, status, no_response_reason, assignee_id, clock_started_at, "
    "response_deadline, last_activity_at, created_at"
)
MESSAGE_COLUMNS = (
    'id, thread_id, direction, channel, message_id, in_reply_to, "references", from_address, '
    "to_address, subject, text, html, language, occurred_at, received_at, sent_at, author_id, "
    "answered_at, answered_by_id, no_response_needed_at, outgoing_state, send_attempts, "
    "last_error, rejection_reason, created_at"
)
NULL = r"\N"


def _ts(value: datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def _val(value: object) -> str:
    return NULL if value is None else str(value)


def benchmark_account(size: int) -> SellerAccount | None:
    return SellerAccount.objects.filter(name=f"Benchmark seller ({size:,} messages)").first()


def _team(size: int) -> tuple[SellerAccount, User, list[User]]:
    account = SellerAccount.objects.create(
        name=f"Benchmark seller ({size:,} messages)", region="EU", time_zone="Europe/Berlin"
    )
    account.marketplaces.set(Marketplace.objects.filter(id__in=MARKETPLACES))
    password = make_password(None)
    people = []
    for index in range(AGENTS + 1):
        user = User.objects.create(
            email=f"bench-{account.pk}-{index}@benchmark.invalid",
            name=f"Benchmark {'owner' if index == 0 else f'agent {index}'}",
            password=password,
        )
        Membership.objects.create(
            user=user, seller_account=account, role=Role.OWNER if index == 0 else Role.AGENT
        )
        people.append(user)
    return account, people[0], people[1:]


def _reserve_ids(table: str, count: int) -> int:
    """The first of `count` consecutive ids for `table`, moving its sequence past them."""
    with connection.cursor() as cursor:
        # `table` is one of this module's two fixed table names, never input.
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
        )
    return first


@dataclass
class Generated:
    account: SellerAccount
    owner: User
    threads: int
    messages: int
    buyer_messages: int
    rollup_days: int
    seconds: float


def generate(size: int, days: int = 365, seed: int = 7) -> Generated:
    """A seller account with about `size` messages (buyer messages, replies, a few proactive
    ones) spread over the last `days` days: mostly answered (some late), some marked No
    Response Needed, some never answered, and some still open inside their 24 hours."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    now = timezone.now()
    with transaction.atomic():
        account, owner, agents = _team(size)
        thread_id = _reserve_ids("messaging_thread", size)
        message_id = _reserve_ids("messaging_message", size + 10)
        threads, messages = io.StringIO(), io.StringIO()
        nrn_reminders = []
        counts = {"threads": 0, "messages": 0, "in": 0}
        while counts["messages"] < size:
            tid = thread_id + counts["threads"]
            counts["threads"] += 1
            opened = now - timedelta(seconds=rng.uniform(0, days * 86400))
            marketplace = rng.choice(MARKETPLACES)
            agent = rng.choice(agents)
            assignee = agent.pk if rng.random() < 0.6 else None
            buyer_times = [opened]
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                buyer_times.append(buyer_times[-1] + timedelta(minutes=rng.uniform(5, 600)))
            buyer_times = [t for t in buyer_times if t <= now]
            fate = rng.random()
            delay = timedelta(seconds=min(rng.lognormvariate(9.6, 1.1), 9 * 86400))
            reply_at = buyer_times[-1] + delay
            answered = fate < 0.84 and reply_at <= now
            nrn_at = buyer_times[-1] + timedelta(minutes=30) if 0.84 <= fate < 0.92 else None
            if nrn_at is not None and nrn_at > now:
                nrn_at = None
            reply_id = message_id + counts["messages"] + len(buyer_times) if answered else None
            for at in buyer_times:
                mid = message_id + counts["messages"]
                counts["messages"] += 1
                counts["in"] += 1
                messages.write(
                    "\t".join(
                        [
                            str(mid),
                            str(tid),
                            "in",
                            "email",
                            f"b{mid}@relay.invalid",
                            "",
                            "",
                            "buyer@marketplace.amazon.invalid",
                            "support@seller.invalid",
                            "Question about my order",
                            "Hello, where is my parcel?",
                            "",
                            "en",
                            _ts(at),
                            _ts(at),
                            NULL,
                            NULL,
                            _ts(reply_at if answered else None),
                            _val(reply_id),
                            _ts(nrn_at),
                            "",
                            "0",
                            "",
                            "",
                            _ts(at),
                        ]
                    )
                    + "\n"
                )
            last = buyer_times[-1]
            if answered:
                counts["messages"] += 1
                messages.write(
                    "\t".join(
                        [
                            str(reply_id),
                            str(tid),
                            "out",
                            "email",
                            f"r{reply_id}@seller.invalid",
                            "",
                            "",
                            "support@seller.invalid",
                            "buyer@marketplace.amazon.invalid",
                            "Re: Question about my order",
                            "Thank you, it ships today.",
                            "",
                            "en",
                            _ts(reply_at),
                            NULL,
                            _ts(reply_at),
                            str(agent.pk),
                            NULL,
                            NULL,
                            NULL,
                            "sent",
                            "1",
                            "",
                            "",
                            _ts(reply_at),
                        ]
                    )
                    + "\n"
                )
                last = reply_at
            if rng.random() < 0.04:
                pid = message_id + counts["messages"]
                counts["messages"] += 1
                messages.write(
                    "\t".join(
                        [
                            str(pid),
                            str(tid),
                            "out",
                            "sp_api",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "Delivery details",
                            "Your delivery window is Tuesday.",
                            "",
                            "en",
                            _ts(opened - timedelta(hours=2)),
                            NULL,
                            _ts(opened - timedelta(hours=2)),
                            str(agent.pk),
                            NULL,
                            NULL,
                            NULL,
                            "sent",
                            "1",
                            "",
                            "",
                            _ts(opened),
                        ]
                    )
                    + "\n"
                )
            if answered:
                status, clock = "replied", None
            elif nrn_at is not None:
                status, clock = "no_response_needed", None
                nrn_reminders.append(
                    SellerCentralNrn(
                        thread_id=tid,
                        seller_account_id=account.pk,
                        marketplace_id=marketplace,
                        marked_at=nrn_at,
                        marked_by_id=agent.pk,
                        newest_received_at=buyer_times[-1],
                        done_in_seller_central_at=nrn_at if rng.random() < 0.7 else None,
                    )
                )
            else:
                status, clock = "needs_reply", buyer_times[0]
            threads.write(
                "\t".join(
                    [
                        str(tid),
                        str(account.pk),
                        marketplace,
                        f"{tid:015d}@marketplace.amazon.invalid",
                        f"Buyer {tid}",
                        f"302-{tid % 10**7:07d}-{(tid * 7) % 10**7:07d}",
                        "Question about my order",
                        "en",
                        "Hello, where is my parcel?",
                        status,
                        "",
                        _val(assignee),
                        _ts(clock),
                        _ts(clock + timedelta(hours=24) if clock else None),
                        _ts(last),
                        _ts(opened),
                    ]
                )
                + "\n"
            )
        with connection.cursor() as cursor:
            threads.seek(0)
            cursor.copy_expert(f"COPY messaging_thread ({THREAD_COLUMNS}) FROM STDIN", threads)
            messages.seek(0)
            cursor.copy_expert(f"COPY messaging_message ({MESSAGE_COLUMNS}) FROM STDIN", messages)
            cursor.execute("ANALYZE messaging_thread")
            cursor.execute("ANALYZE messaging_message")
        SellerCentralNrn.objects.bulk_create(nrn_reminders, batch_size=5000)
        rollup_days = rollups.rebuild(account)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_responseday")
    return Generated(
        account,
        owner,
        counts["threads"],
        counts["messages"],
        counts["in"],
        rollup_days,
        time.monotonic() - started,
    )


@dataclass
class Timing:
    cold_ms: float
    median_ms: float
    best_ms: float
    cpu_ms: float | None  # web process + database backend CPU per request (median)
    figures_ms: float
    queries: int
    received: int


def _backend_cpu() -> Callable[[], float] | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine (the embedded default); None otherwise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        process = psutil.Process(pid)
        process.cpu_times()
    except (psutil.Error, OSError):
        return None

    def used() -> float:
        times = process.cpu_times()
        return times.user + times.system

    return used


def time_dashboard(account: SellerAccount, owner: User, repeat: int = 7, days: int = 90) -> Timing:
    """Server time of the dashboard page for the owner and a `days`-day window, in
    milliseconds: the whole request (session, scoping, every query, charts, template), timed
    in-process so no network or browser is counted. On a busy machine wall time includes
    waiting for a CPU, so the CPU time the request used (web process plus database backend)
    is reported too. Also the figures' share alone."""
    client = Client(HTTP_HOST="benchmark.invalid")
    url = reverse("messaging:dashboard")
    params = {"account": account.pk, "window": str(days)}
    samples, cpu = [], []
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Runs without collectstatic; looking a name up in the manifest costs next to nothing.
    with override_settings(ALLOWED_HOSTS=["benchmark.invalid"], STORAGES=plain_static):
        client.force_login(owner)
        backend = _backend_cpu()
        for index in range(repeat + 1):
            with CaptureQueriesContext(connection) as queries:
                backend_before = backend() if backend else 0.0
                cpu_before = time.process_time()
                started = time.perf_counter()
                response = client.get(url, params, secure=True)
                samples.append((time.perf_counter() - started) * 1000)
                used = time.process_time() - cpu_before
                used += (backend() - backend_before) if backend else 0.0
                cpu.append(used * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"The dashboard answered {response.status_code}.")
            if index == 0:
                query_count = len(queries)
    scope = selectors.dashboard_scope(owner, account)
    window = selectors.Window.last_days(days, core.local_day(timezone.now(), scope.zone))
    started = time.perf_counter()
    figures = selectors.figures(scope, window, timezone.now())
    figures_ms = (time.perf_counter() - started) * 1000
    return Timing(
        cold_ms=samples[0],
        median_ms=statistics.median(samples[1:]),
        best_ms=min(samples[1:]),
        cpu_ms=statistics.median(cpu[1:]) if backend else None,
        figures_ms=figures_ms,
        queries=query_count,
        received=figures.total.received,
    )
