"""CSV exports of the dashboard's table and of the messages behind it, and the thread links."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.metrics import links
from tests.factories import MessageFactory, ThreadFactory

FIGURES = reverse("messaging:dashboard_figures_csv")
MESSAGES = reverse("messaging:dashboard_messages_csv")


def history(team):
    now = timezone.now()
    answered = ThreadFactory(seller_account=team.account, last_activity_at=now)
    message = MessageFactory(thread=answered, direction="in", occurred_at=now - timedelta(days=2))
    services.record_buyer_message(services.lock(answered), message)
    reply = MessageFactory(
        thread=answered, direction="out", outgoing_state="sending", occurred_at=now
    )
    reply.author = team.agent
    reply.save()
    services.record_reply_sent(reply, sent_at=now - timedelta(days=1, hours=20))
    team.agent.name = "=HYPERLINK(1)"
    team.agent.save()
    silent = ThreadFactory(seller_account=team.account, last_activity_at=now)
    message = MessageFactory(thread=silent, direction="in", occurred_at=now - timedelta(days=3))
    services.record_buyer_message(services.lock(silent), message)


def read_csv(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_table_export_has_total_agents_marketplaces_and_days(client, team):
    history(team)
    client.force_login(team.owner)
    response = client.get(FIGURES, {"window": "7"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    total = rows[0]
    assert (total["breakdown"], total["received"], total["within_24h"]) == ("total", "2", "1")
    assert total["unanswered"] == "1" and total["pct_within_24h"] == "50.0"
    agents = [row["name"] for row in rows if row["breakdown"] == "agent"]
    assert "'=HYPERLINK(1)" in agents  # a name that looks like a formula is defused
    assert len([row for row in rows if row["breakdown"] == "day"]) == 7


def test_message_export_has_one_line_per_counted_message(client, team):
    history(team)
    client.force_login(team.owner)
    rows = read_csv(client.get(MESSAGES, {"window": "7"}))
    assert sorted(row["outcome"] for row in rows) == ["unanswered", "within_24h"]
    answered = next(row for row in rows if row["outcome"] == "within_24h")
    assert answered["response_seconds"] == str(4 * 3600)
    assert answered["agent"] == "'=HYPERLINK(1)"


def test_agent_exports_only_their_own_messages(client, team):
    history(team)
    client.force_login(team.agent)
    rows = read_csv(client.get(MESSAGES, {"window": "7"}))
    assert [row["outcome"] for row in rows] == ["within_24h"]


def test_thread_link_opens_the_thread_in_the_inbox(client, team, settings):
    thread = ThreadFactory(seller_account=team.account)
    assert (
        links.absolute(links.thread_url(thread.pk)) == f"{settings.SITE_URL}/threads/{thread.pk}/"
    )
    client.force_login(team.agent)
    assert client.get(links.thread_url(thread.pk)).status_code == 200
