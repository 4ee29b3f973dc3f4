"""The compliance report: which rule blocked or warned what, per agent and per week, for owners
and admins only; bounded queries; CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from compliance.models import ComplianceEvent, Outcome, Source
from tests.factories import MembershipFactory, UserFactory

URL = reverse("compliance:report")


def event(account, agent, *, days_ago=0, rule="CONTACT_PHONE", severity="block", **extra):
    at = timezone.now() - timedelta(days=days_ago)
    fields = {
        "outcome": Outcome.COMPOSER_BLOCKED if severity == "block" else Outcome.SENT_WITH_WARNINGS,
        "source": Source.REPLY,
        "excerpt": "+49 30 1234567",
    } | extra
    return ComplianceEvent(
        seller_account=account,
        agent=agent,
        occurred_at=at,
        day=at.date(),
        rule_id=rule,
        severity=severity,
        **fields,
    )


@pytest.fixture
def data(team):
    """About 2,400 findings of three agents over eight weeks, and some of another seller."""
    agents = [team.agent] + [
        MembershipFactory(seller_account=team.account, role=Role.AGENT).user for _ in range(2)
    ]
    rules = [
        ("CONTACT_PHONE", "block", "+49 30 1234567"),
        ("LINK_EXTERNAL", "block", "shop-example.de"),
        ("EMOJI", "warn", "😊"),
        ("REVIEW_POSITIVE_ONLY", "block", "5-star review"),
    ]
    events = [
        event(team.account, agent, days_ago=day, rule=rule, severity=severity, excerpt=words)
        for agent in agents
        for day in range(0, 56, 1)
        for rule, severity, words in rules
        for _ in range(3 if rule == "EMOJI" else 2)
    ]
    outsider_events = [event(team.other_account, team.outsider, excerpt="rival-secret-words")]
    ComplianceEvent.objects.bulk_create(events + outsider_events)
    return agents


def test_owner_sees_rules_per_agent_and_week(client, team, data, django_assert_max_num_queries):
    client.force_login(team.owner)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"account": team.account.pk, "weeks": 8})
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.rows) == 3 * 4 * 8  # three agents, four rules, eight weeks
    row = next(
        r for r in report.rows if r.agent_id == team.agent.pk and r.rule_id == "CONTACT_PHONE"
    )
    assert row.blocked >= 2 and row.warned == 0 and row.examples == ["+49 30 1234567"]
    totals = {t.rule_id: (t.blocked, t.warned) for t in report.totals}
    assert totals["EMOJI"][0] == 0 and totals["EMOJI"][1] > 0
    html = response.text
    assert "Telephone number" in html and "+49 30 1234567" in html
    assert "rival-secret-words" not in html
    assert team.agent.get_full_name() in html


def test_the_report_narrows_to_one_agent(client, team, data):
    client.force_login(team.owner)
    report = client.get(URL, {"account": team.account.pk, "agent": team.agent.pk}).context["report"]
    assert {r.agent_id for r in report.rows} == {team.agent.pk}


def test_admins_see_it_agents_and_read_only_get_403_outsiders_404(client, team, data):
    admin = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    client.force_login(admin)
    assert client.get(URL, {"account": team.account.pk}).status_code == 200
    assert client.get(URL).status_code == 200  # the first account they manage
    for person in (team.agent, team.read_only):
        client.force_login(person)
        assert client.get(URL, {"account": team.account.pk}).status_code == 403
        assert client.get(URL).status_code == 403
    client.force_login(team.outsider)
    assert client.get(URL, {"account": team.account.pk}).status_code == 404
    assert (
        client.get(reverse("compliance:report_csv"), {"account": team.account.pk}).status_code
        == 404
    )
    client.force_login(UserFactory())  # no seller account at all
    assert client.get(URL).status_code == 404


def test_csv_export(client, team, data, django_assert_max_num_queries):
    ComplianceEvent.objects.bulk_create(
        [event(team.account, team.agent, rule="LINK_EXTERNAL", excerpt="=HYPERLINK(1)")]
    )
    client.force_login(team.owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("compliance:report_csv"), {"account": team.account.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["week", "agent", "rule"]
    assert len(rows) > 90
    assert any("'=HYPERLINK(1)" in row[-1] for row in rows)  # never a formula
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_an_empty_period_says_so(client, team):
    client.force_login(team.owner)
    assert "Nothing was blocked or warned" in client.get(URL).text
