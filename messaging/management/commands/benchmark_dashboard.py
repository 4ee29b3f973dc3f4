"""Print the dashboard's server time for a 90-day view at 10,000 and 1,000,000 messages."""

import os

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Membership, Role
from messaging.metrics import benchmark


class Command(BaseCommand):
    help = (
        "Time the response-time dashboard (90-day window, owner's view) against generated "
        "benchmark accounts, generating any that are missing first. Target: under 300 ms at "
        "1,000,000 messages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sizes",
            default="10000,1000000",
            help="Comma-separated message counts (default 10000,1000000).",
        )
        parser.add_argument("--repeat", type=int, default=7, help="Warm requests per size.")
        parser.add_argument("--days", type=int, default=90, help="Window in days (7, 30, 90).")

    def handle(self, *args: object, **options: object) -> None:
        sizes = [int(s.replace("_", "")) for s in str(options["sizes"]).split(",") if s.strip()]
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"{os.cpu_count()} CPUs, load average {load} (other work slows this)")
        for size in sizes:
            account = benchmark.benchmark_account(size)
            if account is None:
                self.stdout.write(f"generating {size:,} messages ...")
                generated = benchmark.generate(size)
                account = generated.account
                self.stdout.write(f"  {generated.messages:,} messages in {generated.seconds:.1f} s")
            owner = (
                Membership.objects.filter(seller_account=account, role=Role.OWNER)
                .select_related("user")
                .first()
                .user
            )
            timing = benchmark.time_dashboard(
                account, owner, repeat=int(options["repeat"]), days=int(options["days"])
            )
            self.stdout.write(
                f"{size:>9,} messages, {options['days']}-day view "
                f"({timing.received:,} buyer messages in the window): "
                f"median {timing.median_ms:.0f} ms, best {timing.best_ms:.0f} ms, "
                f"first {timing.cold_ms:.0f} ms, {timing.queries} queries; "
                f"figures alone {timing.figures_ms:.0f} ms"
                + (
                    f"; CPU used per request (web + database) {timing.cpu_ms:.0f} ms"
                    if timing.cpu_ms is not None
                    else ""
                )
            )
