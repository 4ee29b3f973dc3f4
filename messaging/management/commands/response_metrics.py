"""Compute the 24-hour response figures from an event log, with the same code as the dashboard."""

import json
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from messaging.metrics import core


class Command(BaseCommand):
    help = (
        "Read buyer-message events (JSON lines: thread, type, at) and print Amazon's 24-hour "
        "response figures as JSON. Types: buyer_message, seller_reply, no_response_needed, "
        "proactive. Times are ISO-8601 with a UTC offset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", required=True, help="JSON-lines file, or - for stdin.")
        parser.add_argument(
            "--now", help="Judge everything as of this moment (default: the current time)."
        )
        parser.add_argument(
            "--from",
            dest="start",
            help="Only buyer messages received at or after this date-time or date.",
        )
        parser.add_argument(
            "--to",
            dest="end",
            help="Only buyer messages received before this date-time, or up to the end of "
            "this date.",
        )
        parser.add_argument(
            "--time-zone",
            default="UTC",
            help="Zone in which plain dates in --from/--to are read (e.g. Europe/Berlin).",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            zone = ZoneInfo(str(options["time_zone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown time zone {options['time_zone']!r}.") from None
        try:
            now = core.parse_instant(str(options["now"])) if options["now"] else datetime.now(UTC)
            start = core.parse_bound(str(options["start"]), zone) if options["start"] else None
            end = core.parse_bound(str(options["end"]), zone, end=True) if options["end"] else None
            events = self._read(str(options["events"]))
        except core.EventError as error:
            raise CommandError(str(error)) from None
        if start and end and end <= start:
            raise CommandError("--to must be later than --from.")
        metrics = core.measure(events, now=now, start=start, end=end)
        self.stdout.write(json.dumps(metrics.as_dict(), indent=2))

    def _read(self, path: str) -> list[core.Event]:
        if path == "-":
            return core.read_events(sys.stdin)
        try:
            with open(path, encoding="utf-8") as handle:
                return core.read_events(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
