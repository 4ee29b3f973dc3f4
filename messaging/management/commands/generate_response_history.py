"""Generate a benchmark seller account with a large message history, straight into the tables."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.metrics import benchmark


class Command(BaseCommand):
    help = (
        "Create a seller account 'Benchmark seller (N messages)' with N generated messages over "
        "the last DAYS days, written with COPY, and build its response-time rollups. Use a "
        "database nobody else writes to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: object, **options: object) -> None:
        size = int(options["messages"])
        if size < 1 or int(options["days"]) < 1:
            raise CommandError("--messages and --days must be positive.")
        if benchmark.benchmark_account(size) is not None:
            raise CommandError(f"A benchmark account with {size:,} messages exists already.")
        result = benchmark.generate(size, days=int(options["days"]), seed=int(options["seed"]))
        self.stdout.write(
            f"{result.account.name}: {result.threads:,} threads, {result.messages:,} messages "
            f"({result.buyer_messages:,} from buyers), {result.rollup_days} rollup days, "
            f"in {result.seconds:.1f} s. Owner: {result.owner.email}"
        )
