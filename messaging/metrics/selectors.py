"""What the dashboard, its CSV exports and the summary email read. Every query starts from
`accounts.scoping`: owners and admins see the whole account (within their marketplaces), every
other member sees only the figures attributed to them (see `rollups.attributed_agent`)."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.marketplaces import BY_ID as MARKETPLACES
from accounts.models import SellerAccount, User
from messaging.models import Thread

from . import core, links, rollups
from .models import ResponseDay, SellerCentralNrn

AT_RISK_HOURS = (2, 6)
AT_RISK_LIST_LIMIT = 50
NRN_LIST_LIMIT = 20


@dataclass(frozen=True)
class Window:
    """Whole calendar days `first`..`last` (inclusive) in the seller account's time zone."""

    first: date
    last: date
    days: int | None = None  # 7, 30 or 90 for the preset windows, None for chosen dates

    @classmethod
    def last_days(cls, days: int, today: date) -> "Window":
        return cls(today - timedelta(days=days - 1), today, days)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return core.day_bounds(self.first, zone)[0], core.day_bounds(self.last, zone)[1]


@dataclass(frozen=True)
class DashboardScope:
    user: User
    account: SellerAccount
    sees_all: bool  # owners and admins; everyone else sees their own figures
    may_reply: bool
    marketplace_id: str | None  # narrowed to one marketplace, or None for all visible
    marketplace_ids: frozenset[str]  # empty: every marketplace of the account

    @property
    def zone(self) -> ZoneInfo:
        return rollups.zone_of(self.account)


def visible_accounts(user: User) -> list[SellerAccount]:
    return list(scoping.seller_accounts(user).prefetch_related("marketplaces"))


def dashboard_scope(
    user: User, account: SellerAccount, marketplace_id: str | None = None
) -> DashboardScope:
    """The user's view of `account`; Http404 if they are not a member."""
    grant = scoping.require(user, account.pk, scoping.Action.VIEW)
    return DashboardScope(
        user=user,
        account=account,
        sees_all=grant.allows(scoping.Action.MANAGE),
        may_reply=grant.allows(scoping.Action.REPLY),
        marketplace_id=marketplace_id or None,
        marketplace_ids=grant.marketplace_ids,
    )


def marketplace_choices(scope: DashboardScope) -> list[tuple[str, str]]:
    ids = [m.id for m in scope.account.marketplaces.all()]
    if scope.marketplace_ids:
        ids = [i for i in ids if i in scope.marketplace_ids]
    return [(i, marketplace_label(i)) for i in sorted(ids, key=marketplace_label)]


def marketplace_label(marketplace_id: str | None) -> str:
    if marketplace_id is None:
        return _("No marketplace")
    info = MARKETPLACES.get(marketplace_id)
    return f"{info.name} ({info.country_code})" if info else marketplace_id


def _rollups(scope: DashboardScope) -> QuerySet[ResponseDay]:
    qs = scoping.scope(
        ResponseDay.objects.filter(seller_account=scope.account),
        scope.user,
        marketplace_field="marketplace_id",
    )
    if scope.marketplace_id:
        qs = qs.filter(marketplace_id=scope.marketplace_id)
    if not scope.sees_all:
        qs = qs.filter(agent_id=scope.user.pk)
    return qs


def _messages(scope: DashboardScope) -> QuerySet:
    qs = scoping.scope(
        rollups.inbound_messages(scope.account.pk),
        scope.user,
        account_field="thread__seller_account",
        marketplace_field="thread__marketplace",
    )
    if scope.marketplace_id:
        qs = qs.filter(thread__marketplace_id=scope.marketplace_id)
    if not scope.sees_all:
        qs = qs.filter(rollups.attributed_to(scope.user.pk))
    return qs


@dataclass
class Breakdown:
    key: object
    label: str
    metrics: core.Metrics


@dataclass
class Figures:
    window: Window
    total: core.Metrics
    histogram: list[int]
    by_agent: list[Breakdown] = field(default_factory=list)
    by_marketplace: list[Breakdown] = field(default_factory=list)
    by_day: list[Breakdown] = field(default_factory=list)


class _Sum:
    """Counts added up, plus the response times as a list of sorted lists (not copied)."""

    __slots__ = ("counts", "runs")

    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0, 0, 0]
        self.runs: list[list[int]] = []

    def add(self, counts: tuple[int, ...] | list[int], runs: list[list[int]]) -> None:
        for index, value in enumerate(counts):
            self.counts[index] += value
        self.runs.extend(run for run in runs if run)

    def merged(self) -> list[int]:
        """All response times, sorted. Sorting concatenated sorted lists costs little when
        they are few and long, so breakdowns are merged from their largest parts upward."""
        values = list(chain.from_iterable(self.runs))
        values.sort()
        return values

    def metrics(self, merged: list[int] | None = None) -> core.Metrics:
        values = self.merged() if merged is None else merged
        return core.Metrics.from_tally(core.Tally(*self.counts, values))

    def metrics_without_median(self) -> core.Metrics:
        """The same figures but the median, without sorting anything."""
        return core.Metrics.build(
            counts=tuple(self.counts),
            answered=sum(map(len, self.runs)),
            seconds_sum=sum(map(sum, self.runs)),
            median_seconds=None,
        )


def figures(
    scope: DashboardScope, window: Window, now: datetime, *, day_medians: bool = False
) -> Figures:
    """The window's figures: total, per agent, per marketplace and per day. The page's daily
    trend needs no median per day; the CSV export asks for them (`day_medians`)."""
    groups = rollups.collect(
        scope.account,
        window.first,
        window.last,
        now,
        rollups=_rollups(scope),
        messages=_messages(scope),
    )
    cells: dict[tuple[str | None, int | None], _Sum] = defaultdict(_Sum)
    days: dict[date, _Sum] = defaultdict(_Sum)
    for group in groups:
        t = group.tally
        t.response_seconds.sort()  # rollups store them sorted; live days arrive unsorted
        counts = (t.received, t.within_24h, t.late, t.unanswered, t.pending, t.nrn)
        cells[(group.marketplace_id, group.agent_id)].add(counts, [t.response_seconds])
        days[group.day].add(counts, [t.response_seconds])
    # Each (marketplace, agent) cell is sorted once; agents and marketplaces merge a few long
    # sorted cells, and the total merges the marketplaces.
    agents: dict[int | None, _Sum] = defaultdict(_Sum)
    marketplaces: dict[str | None, _Sum] = defaultdict(_Sum)
    for (marketplace_id, agent_id), cell in cells.items():
        values = cell.merged()
        agents[agent_id].add(cell.counts, [values])
        marketplaces[marketplace_id].add(cell.counts, [values])
    total = _Sum()
    merged_marketplaces = {}
    for marketplace_id, summed in marketplaces.items():
        merged_marketplaces[marketplace_id] = summed.merged()
        total.add(summed.counts, [merged_marketplaces[marketplace_id]])
    total_values = total.merged()
    result = Figures(window, total.metrics(total_values), core.histogram_of_sorted([total_values]))
    names = _agent_names([a for a in agents if a is not None])
    for agent_id, summed in agents.items():
        label = names.get(agent_id, _("Former member")) if agent_id else _("No agent")
        result.by_agent.append(Breakdown(agent_id, label, summed.metrics()))
    result.by_agent.sort(key=lambda b: (b.key is None, b.label.lower()))
    for marketplace_id, summed in marketplaces.items():
        label = marketplace_label(marketplace_id)
        metrics = summed.metrics(merged_marketplaces[marketplace_id])
        result.by_marketplace.append(Breakdown(marketplace_id, label, metrics))
    result.by_marketplace.sort(key=lambda b: b.label)
    day = window.first
    while day <= window.last:
        summed = days.get(day) or _Sum()
        metrics = summed.metrics() if day_medians else summed.metrics_without_median()
        result.by_day.append(Breakdown(day, day.isoformat(), metrics))
        day += timedelta(days=1)
    return result


def _agent_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        pk: name or email
        for pk, name, email in User.objects.filter(pk__in=ids).values_list("pk", "name", "email")
    }


@dataclass(frozen=True)
class MessageRow:
    """One buyer message behind the figures (the per-message CSV)."""

    message_id: int
    thread_id: int
    amazon_order_id: str
    marketplace: str
    agent: str
    received_at: datetime
    answered_at: datetime | None
    no_response_needed_at: datetime | None
    outcome: core.Outcome
    response_seconds: int | None


def message_rows(scope: DashboardScope, window: Window, now: datetime) -> Iterator[MessageRow]:
    """Every buyer message counted in `figures` for the same scope and window, oldest first."""
    start, end = window.bounds(scope.zone)
    qs = (
        _messages(scope)
        .filter(occurred_at__gte=start, occurred_at__lt=end, occurred_at__lte=now)
        .order_by("occurred_at", "id")
        .values_list(*rollups.MESSAGE_FIELDS, "thread__amazon_order_id")
    )
    names: dict[int, str] = {}
    for row in qs.iterator(chunk_size=5000):
        contact, agent_id = rollups.contact_of(row[:-1])
        if agent_id is not None and agent_id not in names:
            names.update(_agent_names([agent_id]) or {agent_id: _("Former member")})
        result = core.outcome(
            contact.received_at, contact.answered_at, contact.no_response_needed_at, now
        )
        answered = result in (core.Outcome.WITHIN_24H, core.Outcome.LATE)
        yield MessageRow(
            message_id=row[0],
            thread_id=row[1],
            amazon_order_id=row[-1],
            marketplace=marketplace_label(contact.marketplace),
            agent=names[agent_id] if agent_id is not None else _("No agent"),
            received_at=contact.received_at,
            answered_at=contact.answered_at if answered else None,
            no_response_needed_at=contact.no_response_needed_at,
            outcome=result,
            response_seconds=(
                core.elapsed_seconds(contact.received_at, contact.answered_at) if answered else None
            ),
        )


@dataclass(frozen=True)
class RiskyThread:
    thread: Thread
    deadline: datetime
    seconds_left: int
    urgent: bool  # breaches within the first horizon (2 hours)
    url: str | None


@dataclass
class AtRisk:
    within: dict[int, int]  # hours -> number of threads breaching within that many hours
    threads: list[RiskyThread]


def threads_for(scope: DashboardScope) -> QuerySet[Thread]:
    """Threads the dashboard may show: an agent's own and the unassigned ones."""
    qs = scoping.scope(
        Thread.objects.filter(seller_account=scope.account),
        scope.user,
        marketplace_field="marketplace",
        assignee_field="assignee",
    )
    if scope.marketplace_id:
        qs = qs.filter(marketplace_id=scope.marketplace_id)
    if not scope.sees_all:
        qs = qs.filter(Q(assignee=scope.user) | Q(assignee__isnull=True))
    return qs


def at_risk(scope: DashboardScope, now: datetime) -> AtRisk:
    """Threads whose 24 hours run out within the next 2 and 6 hours (clock still running)."""
    horizon = max(AT_RISK_HOURS)
    soon = threads_for(scope).filter(
        response_deadline__gt=now, response_deadline__lte=now + timedelta(hours=horizon)
    )
    counts = soon.aggregate(
        **{
            f"h{hours}": Count("id", filter=Q(response_deadline__lte=now + timedelta(hours=hours)))
            for hours in AT_RISK_HOURS
        }
    )
    first = min(AT_RISK_HOURS) * 3600
    threads = []
    for thread in soon.select_related("assignee").order_by("response_deadline", "id")[
        :AT_RISK_LIST_LIMIT
    ]:
        left = core.elapsed_seconds(now, thread.response_deadline)
        threads.append(
            RiskyThread(
                thread, thread.response_deadline, left, left <= first, links.thread_url(thread.pk)
            )
        )
    return AtRisk({hours: counts[f"h{hours}"] for hours in AT_RISK_HOURS}, threads)


@dataclass
class NrnToCopy:
    count: int
    reminders: list[tuple[SellerCentralNrn, str | None]]


def nrn_to_copy(scope: DashboardScope, now: datetime) -> NrnToCopy:
    """Threads marked No Response Needed here whose mark still has to be made in Seller
    Central (Amazon's metric cannot see ours). Marks on messages older than Amazon's longest
    window no longer matter and are left out."""
    qs = scoping.scope(
        SellerCentralNrn.objects.filter(
            seller_account=scope.account,
            done_in_seller_central_at__isnull=True,
            newest_received_at__gte=now - timedelta(days=rollups.LONGEST_WINDOW_DAYS),
        ),
        scope.user,
        marketplace_field="marketplace_id",
        assignee_field="thread__assignee",
    )
    if scope.marketplace_id:
        qs = qs.filter(marketplace_id=scope.marketplace_id)
    if not scope.sees_all:
        qs = qs.filter(Q(thread__assignee=scope.user) | Q(thread__assignee__isnull=True))
    count = qs.values("thread_id").distinct().count()
    reminders = [
        (reminder, links.thread_url(reminder.thread_id))
        for reminder in qs.select_related("thread", "marked_by").order_by("marked_at")[
            :NRN_LIST_LIMIT
        ]
    ]
    return NrnToCopy(count, reminders)
