"""Amazon's 24-hour response measure, computed from an event log. Pure Python: no Django.

What counts (Amazon's Contact Response Time, derived rules in the team's Amazon notes, section 7;
the choices we made where Amazon is silent are listed on the dashboard page, `CHOICES` below):

- A buyer message starts a clock. The first seller reply in the same thread at or after it stops
  the clock, and one reply answers every earlier unanswered buyer message of the thread.
- "No Response Needed" takes the thread's unanswered buyer messages out of the measure; a reply
  sent after the mark does not put them back.
- A proactive message (the seller writes first) starts nothing and answers nothing.
- 24 hours are 86,400 elapsed seconds, weekends, holidays and daylight-saving changes included.
  Response times are whole seconds (fractions are dropped); exactly 24 hours is on time.
- Everything is judged as of `now`: events after `now` have not happened yet. A message still
  unanswered is "pending" while its 24 hours run and "unanswered" (Amazon's "No response") after.
- A window selects buyer messages by the moment they were received, `start <= received < end`;
  a reply sent after the window's end still answers a message received inside it.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum

RESPONSE_WINDOW_SECONDS = 24 * 60 * 60

# Upper edges (inclusive) of the response-time histogram's bars, in hours; a last bar holds
# everything slower than the last edge.
HISTOGRAM_EDGES_HOURS: tuple[int, ...] = (1, 2, 4, 8, 12, 24, 48)
HISTOGRAM_EDGES_SECONDS: tuple[int, ...] = tuple(h * 3600 for h in HISTOGRAM_EDGES_HOURS)


class EventType(StrEnum):
    BUYER_MESSAGE = "buyer_message"
    SELLER_REPLY = "seller_reply"
    NO_RESPONSE_NEEDED = "no_response_needed"
    PROACTIVE = "proactive"


# Events at the same instant: the buyer message is received first (a reply sent in the same
# second answers it), and a reply is counted before a "No Response Needed" mark.
_SAME_INSTANT_ORDER = {
    EventType.BUYER_MESSAGE: 0,
    EventType.PROACTIVE: 1,
    EventType.SELLER_REPLY: 2,
    EventType.NO_RESPONSE_NEEDED: 3,
}


class EventError(ValueError):
    """An event log line that cannot be read; the message names the line and the problem."""


@dataclass(frozen=True)
class Event:
    thread: str
    type: EventType
    at: datetime
    agent: str | None = None  # optional: who sent a seller reply
    marketplace: str | None = None  # optional: the marketplace of a buyer message


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date-time that carries its UTC offset (naive times are refused)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise EventError(f"{text!r} is not an ISO-8601 date-time") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise EventError(f"{text!r} has no UTC offset (write e.g. 2025-03-01T09:00:00+01:00)")
    return value.astimezone(UTC)


def parse_event(obj: object) -> Event:
    if not isinstance(obj, dict):
        raise EventError("an event must be a JSON object")
    missing = [key for key in ("thread", "type", "at") if key not in obj]
    if missing:
        raise EventError(f"missing {', '.join(missing)}")
    try:
        kind = EventType(obj["type"])
    except ValueError:
        allowed = ", ".join(t.value for t in EventType)
        raise EventError(f"unknown type {obj['type']!r} (expected one of {allowed})") from None
    thread = obj["thread"]
    if not isinstance(thread, str | int) or isinstance(thread, bool) or str(thread) == "":
        raise EventError("thread must be a non-empty string")
    if not isinstance(obj["at"], str):
        raise EventError("at must be a string")
    agent, marketplace = obj.get("agent"), obj.get("marketplace")
    return Event(
        thread=str(thread),
        type=kind,
        at=parse_instant(obj["at"]),
        agent=None if agent is None else str(agent),
        marketplace=None if marketplace is None else str(marketplace),
    )


def read_events(lines: Iterable[str]) -> list[Event]:
    """Parse a JSON-lines event log. Blank lines are skipped; any bad line raises EventError
    naming its line number, so nothing is silently left out of the figures."""
    events = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            events.append(parse_event(json.loads(line)))
        except json.JSONDecodeError as error:
            raise EventError(f"line {number}: not valid JSON ({error.msg})") from None
        except EventError as error:
            raise EventError(f"line {number}: {error}") from None
    return events


class Outcome(StrEnum):
    WITHIN_24H = "within_24h"
    LATE = "late"
    UNANSWERED = "unanswered"  # no response and more than 24 hours old: Amazon's "No response"
    PENDING = "pending"  # no response yet, but its 24 hours are still running
    NRN = "nrn"  # marked No Response Needed: out of the measure


@dataclass(frozen=True)
class Contact:
    """One buyer message and what became of it."""

    thread: str
    received_at: datetime
    answered_at: datetime | None = None
    no_response_needed_at: datetime | None = None
    agent: str | None = None  # who sent the reply that answered it
    marketplace: str | None = None


def elapsed_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds from `start` to `end` (fractions dropped, never negative).

    Python subtracts two times that share a named zone (Europe/Berlin) by their wall clocks,
    an hour off across a daylight-saving change, so those are converted to UTC first; times
    with fixed offsets (UTC from the database, offsets from the event log) subtract exactly.
    """
    if not (type(start.tzinfo) is timezone and type(end.tzinfo) is timezone):
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    delta = end - start
    return max(0, delta.days * 86400 + delta.seconds)


def outcome(
    received_at: datetime,
    answered_at: datetime | None,
    no_response_needed_at: datetime | None,
    now: datetime,
) -> Outcome:
    """What a buyer message counts as at `now`. Marks and replies after `now` have not happened."""
    if no_response_needed_at is not None and no_response_needed_at <= now:
        return Outcome.NRN
    if answered_at is not None and answered_at <= now:
        if elapsed_seconds(received_at, answered_at) <= RESPONSE_WINDOW_SECONDS:
            return Outcome.WITHIN_24H
        return Outcome.LATE
    if elapsed_seconds(received_at, now) > RESPONSE_WINDOW_SECONDS:
        return Outcome.UNANSWERED
    return Outcome.PENDING


@dataclass
class Tally:
    """Counts of outcomes plus the response times (whole seconds) of the answered messages."""

    received: int = 0
    within_24h: int = 0
    late: int = 0
    unanswered: int = 0
    pending: int = 0
    nrn: int = 0
    response_seconds: list[int] = field(default_factory=list)

    def add(self, result: Outcome, seconds: int | None = None) -> None:
        self.received += 1
        setattr(self, result.value, getattr(self, result.value) + 1)
        if result in (Outcome.WITHIN_24H, Outcome.LATE) and seconds is not None:
            self.response_seconds.append(seconds)

    def add_contact(self, contact: Contact, now: datetime) -> Outcome:
        result = outcome(
            contact.received_at, contact.answered_at, contact.no_response_needed_at, now
        )
        seconds = None
        if result in (Outcome.WITHIN_24H, Outcome.LATE):
            seconds = elapsed_seconds(contact.received_at, contact.answered_at)
        self.add(result, seconds)
        return result

    def merge(self, other: Tally) -> None:
        self.received += other.received
        self.within_24h += other.within_24h
        self.late += other.late
        self.unanswered += other.unanswered
        self.pending += other.pending
        self.nrn += other.nrn
        self.response_seconds.extend(other.response_seconds)

    def histogram(self) -> list[int]:
        """Answered messages per histogram bar (see HISTOGRAM_EDGES_HOURS)."""
        bars = [0] * (len(HISTOGRAM_EDGES_SECONDS) + 1)
        for seconds in self.response_seconds:
            bars[bisect_left(HISTOGRAM_EDGES_SECONDS, seconds)] += 1
        return bars


def median(values: list[int]) -> float:
    """The median (the mean of the middle two for an even count). Sorts `values` in place,
    which is nearly free when they are concatenated sorted lists."""
    values.sort()
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2


def histogram_of_sorted(runs: Iterable[list[int]]) -> list[int]:
    """`Tally.histogram` for response times given as already sorted lists (rollup rows):
    a few binary searches per list instead of one per value."""
    bars = [0] * (len(HISTOGRAM_EDGES_SECONDS) + 1)
    for run in runs:
        below = 0
        for index, edge in enumerate(HISTOGRAM_EDGES_SECONDS):
            upto = bisect_right(run, edge)
            bars[index] += upto - below
            below = upto
        bars[-1] += len(run) - below
    return bars


@dataclass(frozen=True)
class Metrics:
    """The figures the command prints and the dashboard shows."""

    received: int
    within_24h: int
    late: int
    unanswered: int
    pending: int
    nrn: int
    pct_within_24h: float | None
    avg_response_seconds: float | None
    median_response_seconds: float | None

    @property
    def measured(self) -> int:
        """Messages whose 24-hour outcome is known: the denominator of the percentage."""
        return self.within_24h + self.late + self.unanswered

    @property
    def pct_late(self) -> float | None:
        """Amazon's Late Response Rate: late plus unanswered, over the measured messages."""
        if self.pct_within_24h is None:
            return None
        return round(100.0 - self.pct_within_24h, 2)

    @classmethod
    def from_tally(cls, tally: Tally) -> Metrics:
        times = tally.response_seconds
        return cls.build(
            counts=(
                tally.received,
                tally.within_24h,
                tally.late,
                tally.unanswered,
                tally.pending,
                tally.nrn,
            ),
            answered=len(times),
            seconds_sum=sum(times),
            median_seconds=median(times) if times else None,
        )

    @classmethod
    def build(
        cls,
        *,
        counts: tuple[int, int, int, int, int, int],
        answered: int,
        seconds_sum: int,
        median_seconds: float | None,
    ) -> Metrics:
        """From counts (received, within_24h, late, unanswered, pending, nrn) and the count,
        sum and median of the response times, however they were obtained."""
        received, within, late, unanswered, pending, nrn = counts
        measured = within + late + unanswered
        return cls(
            received=received,
            within_24h=within,
            late=late,
            unanswered=unanswered,
            pending=pending,
            nrn=nrn,
            pct_within_24h=round(100.0 * within / measured, 2) if measured else None,
            avg_response_seconds=round(seconds_sum / answered, 1) if answered else None,
            median_response_seconds=(
                float(median_seconds) if answered and median_seconds is not None else None
            ),
        )

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            "received": self.received,
            "within_24h": self.within_24h,
            "late": self.late,
            "unanswered": self.unanswered,
            "pending": self.pending,
            "nrn": self.nrn,
            "pct_within_24h": self.pct_within_24h,
            "avg_response_seconds": self.avg_response_seconds,
            "median_response_seconds": self.median_response_seconds,
        }


@dataclass
class _Draft:
    thread: str
    received_at: datetime
    marketplace: str | None
    answered_at: datetime | None = None
    no_response_needed_at: datetime | None = None
    agent: str | None = None


def replay(events: Iterable[Event], now: datetime) -> list[Contact]:
    """Every buyer message of the log received by `now`, with its answer or NRN mark."""
    ordered = sorted(
        (event for event in events if event.at <= now),
        key=lambda event: (event.at, _SAME_INSTANT_ORDER[event.type]),
    )
    drafts: list[_Draft] = []
    open_by_thread: dict[str, list[_Draft]] = {}
    for event in ordered:
        if event.type == EventType.BUYER_MESSAGE:
            draft = _Draft(event.thread, event.at, event.marketplace)
            drafts.append(draft)
            open_by_thread.setdefault(event.thread, []).append(draft)
        elif event.type == EventType.SELLER_REPLY:
            for draft in open_by_thread.pop(event.thread, []):
                draft.answered_at, draft.agent = event.at, event.agent
        elif event.type == EventType.NO_RESPONSE_NEEDED:
            for draft in open_by_thread.pop(event.thread, []):
                draft.no_response_needed_at = event.at
    return [
        Contact(
            thread=d.thread,
            received_at=d.received_at,
            answered_at=d.answered_at,
            no_response_needed_at=d.no_response_needed_at,
            agent=d.agent,
            marketplace=d.marketplace,
        )
        for d in drafts
    ]


def in_window(received_at: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or received_at >= start) and (end is None or received_at < end)


def tally_contacts(
    contacts: Iterable[Contact],
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Tally:
    tally = Tally()
    for contact in contacts:
        if contact.received_at <= now and in_window(contact.received_at, start, end):
            tally.add_contact(contact, now)
    return tally


def measure(
    events: Iterable[Event],
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Metrics:
    """The figures for buyer messages received in `[start, end)`, judged as of `now`."""
    return Metrics.from_tally(tally_contacts(replay(events, now), now, start, end))


def local_day(instant: datetime, zone: tzinfo) -> date:
    return instant.astimezone(zone).date()


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants (in UTC) a calendar day of `zone` starts and ends: 23 or 25 hours apart
    around a daylight-saving change."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def daily(
    contacts: Iterable[Contact],
    now: datetime,
    zone: tzinfo,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[date, Tally]:
    """Tallies per calendar day of `zone`, by the day each buyer message was received."""
    days: dict[date, Tally] = {}
    for contact in contacts:
        if contact.received_at <= now and in_window(contact.received_at, start, end):
            day = local_day(contact.received_at, zone)
            days.setdefault(day, Tally()).add_contact(contact, now)
    return dict(sorted(days.items()))


def parse_bound(text: str, zone: tzinfo, *, end: bool = False) -> datetime:
    """A window bound: a date-time with offset, or a date meaning that day in `zone`.

    A date as the end bound includes the whole day (`--to 2025-03-31` ends at midnight after it).
    """
    text = text.strip()
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise EventError(f"{text!r} is not a date (YYYY-MM-DD)") from None
        start, stop = day_bounds(day, zone)
        return stop if end else start
    return parse_instant(text)
