"""The audit log page and its CSV export: owners only, filtered, paginated, bounded queries."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from tests.factories import ThreadFactory


def fill(team, count: int = 300) -> None:
    """A realistic trail: sign-ins and thread work by three people over two weeks."""
    thread = ThreadFactory(seller_account=team.account)
    people = [team.owner, team.agent, team.read_only]
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            seller_account=team.account,
            actor=people[i % 3],
            action=("auth.signed_in", "thread.assigned", "thread.no_response_needed")[i % 3],
            target_type="messaging.thread",
            target_id=str(thread.pk),
            data={"ip": "203.0.113.7"} if i % 3 == 0 else {"from": None, "to": team.agent.pk},
            at=now - timedelta(hours=i),
        )
        for i in range(count)
    )


def test_owner_sees_the_trail_newest_first(client, team):
    fill(team, 10)
    client.force_login(team.owner)
    response = client.get(reverse("accounts:audit_log", args=[team.account.pk]))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert events == sorted(events, key=lambda e: e.at, reverse=True)
    assert events[0].action == "auth.signed_in"
    assert "Marked No Response Needed" in response.content.decode().split('id="audit-results"')[1]


def test_filters_by_person_action_and_date(client, team):
    fill(team, 90)
    client.force_login(team.owner)
    url = reverse("accounts:audit_log", args=[team.account.pk])
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = client.get(
        url, {"person": team.agent.pk, "action": "thread.assigned", "since": since}
    )
    rows = response.context["page"].object_list
    assert rows
    assert all(e.actor == team.agent and e.action == "thread.assigned" for e in rows)
    assert all(e.at.date() >= timezone.now().date() - timedelta(days=1) for e in rows)


def test_the_page_is_paginated_with_a_bounded_number_of_queries(
    client, team, django_assert_max_num_queries
):
    fill(team, 300)
    client.force_login(team.owner)
    url = reverse("accounts:audit_log", args=[team.account.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"page": 3})
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 6


def test_htmx_filtering_returns_only_the_results(client, team):
    fill(team, 5)
    client.force_login(team.owner)
    response = client.get(
        reverse("accounts:audit_log", args=[team.account.pk]), headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<section class="card" id="audit-results"')


def test_export_is_csv_of_the_filtered_trail_and_is_itself_recorded(client, team):
    fill(team, 30)
    client.force_login(team.owner)
    response = client.get(
        reverse("accounts:audit_export", args=[team.account.pk]), {"action": "auth.signed_in"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["time (UTC)", "person", "email", "action"]
    assert len(rows) == 11
    assert {row[3] for row in rows[1:]} == {"auth.signed_in"}
    assert AuditEvent.objects.filter(action="audit.exported", actor=team.owner).exists()


def test_export_defuses_spreadsheet_formulas(client, team):
    team.owner.name = "=HYPERLINK(evil)"
    team.owner.save()
    audit.record(team.owner, "member.invited", seller_account=team.account, data={"x": "+1"})
    client.force_login(team.owner)
    response = client.get(reverse("accounts:audit_export", args=[team.account.pk]))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(evil)" in body
    assert ",=" not in body


def test_admins_and_agents_may_not_read_the_audit_log(client, team):
    from tests.factories import MembershipFactory

    admin = MembershipFactory(seller_account=team.account, role="admin").user
    for person in (admin, team.agent, team.read_only):
        client.force_login(person)
        assert client.get(reverse("accounts:audit_log", args=[team.account.pk])).status_code == 403
        url = reverse("accounts:audit_export", args=[team.account.pk])
        assert client.get(url).status_code == 403


def test_another_sellers_events_never_show(client, team):
    audit.record(team.outsider, "member.invited", seller_account=team.other_account)
    client.force_login(team.owner)
    response = client.get(reverse("accounts:audit_log", args=[team.account.pk]))
    assert not response.context["page"].object_list
