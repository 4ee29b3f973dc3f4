"""One history, two roads: the thread services (as ingestion and sending drive them) and the
dashboard on one side, the event log through `manage.py response_metrics` on the other. The
figures must be the same, before and after the rollups are refreshed."""

import json
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from messaging import services
from messaging.metrics import core, rollups, selectors
from tests.factories import DE, UK, MessageFactory, ThreadFactory

H = timedelta(hours=1)


def script(now):
    """(thread, kind, at, marketplace) in time order; kinds beyond the log's four are product
    events the log does not carry (a reply Amazon rejected is simply absent from it)."""
    b = (now - timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    steps = [
        ("A", "buyer_message", b),
        ("A", "seller_reply", b + 2 * H),
        ("B", "buyer_message", b + 1 * H),
        ("C", "buyer_message", b + 3 * H),
        ("C", "no_response_needed", b + 4 * H),
        ("B", "buyer_message", b + 5 * H),
        ("D", "buyer_message", b + 6 * H),
        ("D", "no_response_needed", b + 7 * H),
        ("E", "proactive", b + 8 * H),
        ("E", "buyer_message", b + 9 * H),
        ("E", "proactive", b + 10 * H),
        ("F", "buyer_message", b + 10 * H),
        ("G", "buyer_message", b + 11 * H),
        ("H", "buyer_message", b + 12 * H),
        ("H", "rejected_reply", b + 13 * H),
        ("B", "buyer_message", b + 20 * H),
        ("B", "seller_reply", b + 27 * H),
        ("D", "buyer_message", b + 30 * H),
        ("D", "seller_reply", b + 31 * H),
        ("F", "seller_reply", b + 34 * H),
        ("G", "seller_reply", b + 35 * H + timedelta(seconds=1)),
        ("H", "seller_reply", b + 40 * H),
        ("C", "seller_reply", b + 50 * H),
        ("K", "buyer_message", b + 3 * 24 * H),
        ("K", "seller_reply", b + 3 * 24 * H + 90 * timedelta(minutes=1)),
        ("J", "buyer_message", now - 30 * H),
        ("L", "buyer_message", now - 23 * H),
        ("I", "buyer_message", now - 5 * H),
        ("L", "seller_reply", now - 1 * H),
    ]
    return sorted(steps, key=lambda step: step[2])


def drive_services(team, steps):
    """Feed the steps through the thread services, as mail ingestion and the sender would."""
    threads = {}
    for name, kind, at, *_ in steps:
        if name not in threads:
            threads[name] = ThreadFactory(
                seller_account=team.account,
                marketplace_id=UK if name in "BDFH" else DE,
                last_activity_at=at,
            )
        thread = threads[name]
        if kind == "buyer_message":
            message = MessageFactory(thread=thread, direction="in", occurred_at=at)
            services.record_buyer_message(services.lock(thread), message)
        elif kind in ("seller_reply", "rejected_reply", "proactive"):
            reply = MessageFactory(
                thread=thread,
                direction="out",
                channel="sp_api" if kind == "proactive" else "email",
                outgoing_state="sending",
                occurred_at=at,
                author=team.agent,
            )
            services.record_reply_sent(reply, sent_at=at)
            if kind == "rejected_reply":
                services.record_reply_rejected(reply, "Message contains an external link.")
        elif kind == "no_response_needed":
            services.mark_no_response_needed(thread, team.agent)


def event_log(steps, agent_id):
    lines = []
    for name, kind, at in steps:
        if kind == "rejected_reply":
            continue
        event = {"thread": name, "type": kind, "at": at.isoformat()}
        if kind == "buyer_message":
            event["marketplace"] = UK if name in "BDFH" else DE
        if kind == "seller_reply":
            event["agent"] = str(agent_id)
        lines.append(json.dumps(event))
    return lines


@pytest.fixture
def berlin_team(team):
    team.account.time_zone = "Europe/Berlin"
    team.account.save()
    return team


def test_dashboard_and_command_agree_on_the_same_history(berlin_team, tmp_path):
    team = berlin_team
    steps = script(timezone.now())
    drive_services(team, steps)
    # Judged after the services ran: an NRN mark carries the moment it was made.
    now = timezone.now()
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(event_log(steps, team.agent.pk)) + "\n")

    zone = ZoneInfo("Europe/Berlin")
    today = core.local_day(now, zone)
    window = selectors.Window.last_days(30, today)
    start, end = window.bounds(zone)
    out = StringIO()
    call_command(
        "response_metrics",
        "--events",
        str(log),
        "--now",
        now.isoformat(),
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        stdout=out,
    )
    expected = json.loads(out.getvalue())
    assert expected == {
        "received": 15,
        "within_24h": 7,
        "late": 3,
        "unanswered": 2,
        "pending": 1,
        "nrn": 2,
        "pct_within_24h": 58.33,
        "avg_response_seconds": expected["avg_response_seconds"],
        "median_response_seconds": expected["median_response_seconds"],
    }

    scope = selectors.dashboard_scope(team.owner, team.account)
    live = selectors.figures(scope, window, now)
    assert live.total.as_dict() == expected

    rollups.refresh_dirty()
    stored = selectors.figures(scope, window, now)
    assert stored.total.as_dict() == expected

    contacts = core.replay(core.read_events(log.read_text().splitlines()), now)
    assert stored.histogram == core.tally_contacts(contacts, now, start, end).histogram()
    assert live.histogram == stored.histogram
    per_day = core.daily(contacts, now, zone, start, end)
    with_medians = selectors.figures(scope, window, now, day_medians=True)
    dashboard_days = {b.key: b.metrics for b in with_medians.by_day if b.metrics.received}
    assert dashboard_days == {day: core.Metrics.from_tally(t) for day, t in per_day.items()}

    per_marketplace = {}
    for contact in contacts:
        per_marketplace.setdefault(contact.marketplace, []).append(contact)
    assert {b.key: b.metrics for b in stored.by_marketplace} == {
        marketplace: core.Metrics.from_tally(core.tally_contacts(group, now, start, end))
        for marketplace, group in per_marketplace.items()
    }

    # The per-message export says the same, message by message.
    rows = list(selectors.message_rows(scope, window, now))
    assert len(rows) == expected["received"]
    outcomes = [row.outcome.value for row in rows]
    for name in ("within_24h", "late", "unanswered", "pending", "nrn"):
        assert outcomes.count(name) == expected[name]
