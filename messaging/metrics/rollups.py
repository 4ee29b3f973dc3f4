"""Daily rollups of the 24-hour measure, and reading a window from rollups plus live days.

A day is read from its stored rollup when nothing about it can still change by itself: every
message is older than 24 hours (so "open" means unanswered) and no change is waiting in the
dirty marks. Every other day of the window (today, yesterday, and days a reply, a bounce, an NRN
mark or an assignment touched since the last refresh) is computed from the messages directly,
with the same `core.outcome` the command line uses, so the page is exact at every moment and the
refresh task only decides how much work a page view does.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import SellerAccount
from messaging.models import Direction, Message

from . import core
from .models import ResponseDay, RollupDirtyMark

# Amazon's longest window; the nightly safety-net rebuild covers a little more than this.
LONGEST_WINDOW_DAYS = 90

MESSAGE_FIELDS = (
    "id",
    "thread_id",
    "occurred_at",
    "answered_at",
    "no_response_needed_at",
    "thread__marketplace_id",
    "thread__assignee_id",
    "answered_by__author_id",
)


@dataclass
class GroupDay:
    """The tally of one day, one marketplace and one agent."""

    day: date
    marketplace_id: str | None
    agent_id: int | None
    tally: core.Tally


def zone_of(account: SellerAccount) -> ZoneInfo:
    try:
        return ZoneInfo(account.time_zone or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def attributed_agent(answered_at: datetime | None, author_id: int | None, assignee_id: int | None):
    """Whose figure a buyer message is: the author of the reply that answered it; while it is
    unanswered or marked No Response Needed, the thread's assignee (None: unassigned)."""
    return author_id if answered_at is not None else assignee_id


def attributed_to(user_id: int) -> Q:
    """Messages attributed to `user_id` (the same rule as `attributed_agent`, for a queryset)."""
    return Q(answered_at__isnull=False, answered_by__author_id=user_id) | Q(
        answered_at__isnull=True, thread__assignee_id=user_id
    )


def inbound_messages(account_id: int) -> QuerySet[Message]:
    return Message.objects.filter(direction=Direction.INBOUND, thread__seller_account_id=account_id)


def contact_of(row: tuple) -> tuple[core.Contact, int | None]:
    """A `MESSAGE_FIELDS` row as the core's Contact, plus the agent it is attributed to."""
    _, thread_id, received, answered, nrn, marketplace, assignee, author = row
    contact = core.Contact(
        thread=str(thread_id),
        received_at=received,
        answered_at=answered,
        no_response_needed_at=nrn,
        marketplace=marketplace,
    )
    return contact, attributed_agent(answered, author, assignee)


def group_rows(rows: Iterable[tuple], zone: ZoneInfo, now: datetime) -> list[GroupDay]:
    """Tally `MESSAGE_FIELDS` rows per (day in `zone`, marketplace, agent), as of `now`."""
    groups: dict[tuple, GroupDay] = {}
    day_of = _DayFinder(zone)
    for _, _, received, answered, nrn, marketplace, assignee, author in rows:
        if received > now:
            continue
        agent = attributed_agent(answered, author, assignee)
        key = (day_of(received), marketplace, agent)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GroupDay(*key, core.Tally())
        result = core.outcome(received, answered, nrn, now)
        seconds = None
        if result is core.Outcome.WITHIN_24H or result is core.Outcome.LATE:
            seconds = core.elapsed_seconds(received, answered)
        group.tally.add(result, seconds)
    return list(groups.values())


class _DayFinder:
    """`core.local_day`, remembering the last day's bounds: rows come mostly day by day."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.start = self.end = None
        self.day: date | None = None

    def __call__(self, instant: datetime) -> date:
        if self.start is None or not (self.start <= instant < self.end):
            self.day = core.local_day(instant, self.zone)
            self.start, self.end = core.day_bounds(self.day, self.zone)
        return self.day


def _day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days folded into inclusive (first, last) ranges."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def dirty_days(account_id: int, zone: ZoneInfo, first: date, last: date) -> set[date]:
    start, _ = core.day_bounds(first, zone)
    _, end = core.day_bounds(last, zone)
    return set(
        RollupDirtyMark.objects.filter(
            seller_account_id=account_id, received_at__gte=start, received_at__lt=end
        )
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values_list("day", flat=True)
        .distinct()
    )


def collect(
    account: SellerAccount,
    first: date,
    last: date,
    now: datetime,
    *,
    rollups: QuerySet[ResponseDay],
    messages: QuerySet[Message],
) -> list[GroupDay]:
    """Every (day, marketplace, agent) tally for days `first`..`last` of the account's zone.

    `rollups` and `messages` are the caller's already-scoped querysets (account, marketplace,
    agent); the same narrowing must be applied to both.
    """
    zone = zone_of(account)
    today = core.local_day(now, zone)
    last = min(last, today)
    if last < first:
        return []
    # A day that ends after now-24h may still hold pending messages: always computed live.
    settled_before = core.local_day(now - timedelta(seconds=core.RESPONSE_WINDOW_SECONDS), zone)
    live = {d for d in _dates(first, last) if d >= settled_before}
    live |= dirty_days(account.pk, zone, first, last)

    result: list[GroupDay] = []
    stored = rollups.filter(day__gte=first, day__lte=last).exclude(day__in=sorted(live))
    for day, marketplace, agent, received, within, late, open_, nrn, seconds in stored.values_list(
        "day",
        "marketplace_id",
        "agent_id",
        "received",
        "within_24h",
        "late",
        "open",
        "nrn",
        "response_seconds",
    ):
        tally = core.Tally(received, within, late, open_, 0, nrn, seconds)
        result.append(GroupDay(day, marketplace or None, agent, tally))

    ranges = _day_ranges(live)
    if ranges:
        condition = Q()
        for day_first, day_last in ranges:
            start, _ = core.day_bounds(day_first, zone)
            _, end = core.day_bounds(day_last, zone)
            condition |= Q(occurred_at__gte=start, occurred_at__lt=end)
        rows = messages.filter(condition, occurred_at__lte=now).values_list(*MESSAGE_FIELDS)
        result.extend(group_rows(rows, zone, now))
    return result


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _rollup_lock_key(account_id: int, day: date) -> int:
    digest = hashlib.blake2b(f"rollup:{account_id}:{day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _store(account_id: int, day: date, groups: list[GroupDay], at: datetime) -> None:
    ResponseDay.objects.filter(seller_account_id=account_id, day=day).delete()
    ResponseDay.objects.bulk_create(
        ResponseDay(
            seller_account_id=account_id,
            day=day,
            marketplace_id=g.marketplace_id or "",
            agent_id=g.agent_id,
            received=g.tally.received,
            within_24h=g.tally.within_24h,
            late=g.tally.late,
            open=g.tally.unanswered + g.tally.pending,
            nrn=g.tally.nrn,
            response_seconds=sorted(g.tally.response_seconds),
            computed_at=at,
        )
        for g in groups
    )


def recompute_day(account: SellerAccount, day: date) -> bool:
    """Rebuild one day's rollup from its messages and clear the marks that asked for it.

    Returns False when another worker holds that day right now (it will do the same work).
    Marks are read before the messages and only the marks read are deleted, so a change that
    commits meanwhile keeps its mark and is picked up by the next refresh.
    """
    zone = zone_of(account)
    start, end = core.day_bounds(day, zone)
    with transaction.atomic():
        with connection.cursor() as cursor:
            key = _rollup_lock_key(account.pk, day)
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                return False
        mark_ids = list(
            RollupDirtyMark.objects.filter(
                seller_account_id=account.pk, received_at__gte=start, received_at__lt=end
            ).values_list("id", flat=True)
        )
        now = timezone.now()
        rows = inbound_messages(account.pk).filter(occurred_at__gte=start, occurred_at__lt=end)
        _store(account.pk, day, group_rows(rows.values_list(*MESSAGE_FIELDS), zone, now), now)
        RollupDirtyMark.objects.filter(id__in=mark_ids).delete()
    return True


def refresh_dirty(max_days: int = 500) -> int:
    """Recompute the days that have dirty marks (oldest accounts first); returns days done."""
    done = 0
    account_ids = RollupDirtyMark.objects.values_list("seller_account_id", flat=True).distinct()
    for account in SellerAccount.objects.filter(pk__in=list(account_ids)).order_by("pk"):
        zone = zone_of(account)
        days = (
            RollupDirtyMark.objects.filter(seller_account_id=account.pk)
            .annotate(day=TruncDate("received_at", tzinfo=zone))
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")
        )
        for day in list(days[: max_days - done]):
            done += recompute_day(account, day)
        if done >= max_days:
            break
    return done


def rebuild(account: SellerAccount, first: date | None = None, last: date | None = None) -> int:
    """Recompute every rollup of the account (or of days `first`..`last`) in one pass over its
    messages. For a new installation, a changed time zone, or data loaded outside the services.
    Returns the number of days written."""
    zone = zone_of(account)
    now = timezone.now()
    messages = inbound_messages(account.pk)
    if first is not None:
        messages = messages.filter(occurred_at__gte=core.day_bounds(first, zone)[0])
    if last is not None:
        messages = messages.filter(occurred_at__lt=core.day_bounds(last, zone)[1])
    span = ResponseDay.objects.filter(seller_account_id=account.pk)
    if first is not None:
        span = span.filter(day__gte=first)
    if last is not None:
        span = span.filter(day__lte=last)
    written = 0
    with transaction.atomic():
        span.delete()
        current: date | None = None
        batch: list[tuple] = []
        rows = messages.order_by("occurred_at").values_list(*MESSAGE_FIELDS)
        for row in rows.iterator(chunk_size=20000):
            day = core.local_day(row[2], zone)
            if day != current and batch:
                _store(account.pk, current, group_rows(batch, zone, now), now)
                written += 1
                batch = []
            current = day
            batch.append(row)
        if batch:
            _store(account.pk, current, group_rows(batch, zone, now), now)
            written += 1
    return written
