"""The admin report: which rule blocked or warned what, per agent and per week.

Every query is bounded: one seller account the user manages (through `accounts.scoping`), a
window of at most `MAX_WEEKS` weeks, grouped in the database, at most `MAX_ROWS` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, F, Func, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext

from accounts import scoping
from accounts.models import SellerAccount, User

from .messages import TITLES
from .models import ComplianceEvent, Outcome

MAX_WEEKS = 26
MAX_ROWS = 2000
EXAMPLES = 3
RECENT = 50


@dataclass(frozen=True)
class ReportRow:
    week: date
    agent_id: int | None
    agent: str
    rule_id: str
    title: str
    blocked: int
    warned: int
    sent_with_warnings: int
    examples: list[str]


@dataclass(frozen=True)
class RuleTotal:
    rule_id: str
    title: str
    blocked: int
    warned: int


@dataclass
class Report:
    account: SellerAccount
    since: datetime
    weeks: int
    rows: list[ReportRow]
    totals: list[RuleTotal]
    recent: list[ComplianceEvent]
    agents: list[User]
    truncated: bool


def manageable_accounts(user: User) -> list[SellerAccount]:
    return list(scoping.seller_accounts(user, scoping.Action.MANAGE).order_by("name", "pk"))


class _FirstItems(Func):
    """The first items of an array (PostgreSQL slice)."""

    template = "(%(expressions)s)[1:%(count)s]"

    def __init__(self, expression, count: int, **extra) -> None:
        super().__init__(expression, count=int(count), **extra)


def _zone(account: SellerAccount) -> ZoneInfo:
    try:
        return ZoneInfo(account.time_zone or "UTC")
    except (ValueError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


def _events(account: SellerAccount, since: datetime, agent_id: int | None):
    events = ComplianceEvent.objects.filter(seller_account=account, occurred_at__gte=since)
    return events.filter(agent_id=agent_id) if agent_id else events


def report(
    user: User, account: SellerAccount, weeks: int = 8, agent_id: int | None = None
) -> Report:
    """The report for `account` over the last `weeks` weeks (the user must manage it)."""
    scoping.require(user, account.pk, scoping.Action.MANAGE)
    weeks = max(1, min(MAX_WEEKS, weeks))
    zone = _zone(account)
    today = timezone.now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=zone)
    events = _events(account, since, agent_id)
    grouped = (
        events.annotate(week=TruncWeek("occurred_at", tzinfo=zone))
        .values("week", "agent_id", "agent__name", "agent__email", "rule_id")
        .annotate(
            blocked=Count("id", filter=Q(severity="block")),
            warned=Count("id", filter=Q(severity="warn")),
            sent=Count("id", filter=Q(outcome=Outcome.SENT_WITH_WARNINGS)),
            examples=_FirstItems(
                ArrayAgg("excerpt", distinct=True, filter=~Q(excerpt="")), EXAMPLES
            ),
        )
        .order_by("-week", "agent__name", "agent__email", "-blocked", "-warned", "rule_id")
    )
    found = list(grouped[: MAX_ROWS + 1])
    rows = [
        ReportRow(
            week=row["week"].date() if isinstance(row["week"], datetime) else row["week"],
            agent_id=row["agent_id"],
            agent=row["agent__name"] or row["agent__email"] or gettext("(former member)"),
            rule_id=row["rule_id"],
            title=_title(row["rule_id"]),
            blocked=row["blocked"],
            warned=row["warned"],
            sent_with_warnings=row["sent"],
            examples=[e for e in row["examples"] or [] if e],
        )
        for row in found[:MAX_ROWS]
    ]
    totals = [
        RuleTotal(t["rule_id"], _title(t["rule_id"]), t["blocked"], t["warned"])
        for t in events.values("rule_id")
        .annotate(
            blocked=Count("id", filter=Q(severity="block")),
            warned=Count("id", filter=Q(severity="warn")),
        )
        .order_by((F("blocked") + F("warned")).desc(), "rule_id")
    ]
    recent = list(events.select_related("agent").order_by("-occurred_at", "-id")[:RECENT])
    agents = list(
        User.objects.filter(
            pk__in=ComplianceEvent.objects.filter(
                seller_account=account, occurred_at__gte=since
            ).values("agent_id")
        ).order_by("name", "email")
    )
    return Report(
        account=account,
        since=since,
        weeks=weeks,
        rows=rows,
        totals=totals,
        recent=recent,
        agents=agents,
        truncated=len(found) > MAX_ROWS,
    )


def _title(rule_id: str) -> str:
    return gettext(TITLES.get(rule_id, rule_id))
