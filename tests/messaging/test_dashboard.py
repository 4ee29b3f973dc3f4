"""The response-time dashboard page: who sees what, what it shows, how many queries it takes."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role
from messaging import services
from messaging.metrics import rollups
from messaging.metrics.models import SellerCentralNrn
from tests.factories import DE, UK, MembershipFactory, ThreadFactory
from tests.messaging.history import buyer_message, reply

URL = reverse("messaging:dashboard")


@pytest.fixture
def history(team):
    """A few days of a seller's buyer messages: on time, late, unanswered, NRN, pending."""
    now = timezone.now()
    day = timedelta(days=1)
    on_time = ThreadFactory(seller_account=team.account, last_activity_at=now - 3 * day)
    buyer_message(on_time, now - 3 * day)
    reply(on_time, now - 3 * day + timedelta(hours=2), team.agent)
    late = ThreadFactory(seller_account=team.account, marketplace_id=UK, last_activity_at=now)
    buyer_message(late, now - 4 * day)
    reply(late, now - 2 * day, team.owner)
    silent = ThreadFactory(seller_account=team.account, assignee=team.agent, last_activity_at=now)
    buyer_message(silent, now - 2 * day)
    thanks = ThreadFactory(seller_account=team.account, last_activity_at=now)
    buyer_message(thanks, now - day)
    services.mark_no_response_needed(thanks, team.agent, reason="Buyer said thanks")
    waiting = ThreadFactory(seller_account=team.account, last_activity_at=now)
    buyer_message(waiting, now - timedelta(hours=19))  # breaches in 5 hours
    urgent = ThreadFactory(seller_account=team.account, assignee=team.agent, last_activity_at=now)
    buyer_message(urgent, now - timedelta(hours=23))  # breaches in 1 hour
    return {"urgent": urgent, "waiting": waiting, "thanks": thanks}


def figure(response, name):
    return response.context["figures"].total.as_dict()[name]


def test_sign_in_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_outsider_gets_404_for_another_sellers_dashboard(client, team, history):
    client.force_login(team.outsider)
    assert client.get(URL, {"account": team.account.pk}).status_code == 404
    assert (
        client.get(
            reverse("messaging:dashboard_figures_csv"), {"account": team.account.pk}
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("messaging:dashboard_messages_csv"), {"account": team.account.pk}
        ).status_code
        == 404
    )


def test_owner_sees_the_whole_account(client, team, history):
    client.force_login(team.owner)
    response = client.get(URL, {"account": team.account.pk, "window": "7"})
    assert response.status_code == 200
    total = response.context["figures"].total
    assert (total.received, total.within_24h, total.late, total.unanswered) == (6, 1, 1, 1)
    assert (total.nrn, total.pending) == (1, 2)
    assert total.pct_within_24h == pytest.approx(33.33)
    content = response.content.decode()
    assert "Sunny Kitchen GmbH" in content
    assert "cannot reach Amazon" in content


def test_agent_sees_only_their_own_figures(client, team, history):
    client.force_login(team.agent)
    response = client.get(URL, {"window": "7"})
    total = response.context["figures"].total
    # Answered by the agent (1 on time), assigned to them and open (1 unanswered, 1 pending).
    assert (total.received, total.within_24h, total.unanswered, total.pending) == (3, 1, 1, 1)
    assert [row.key for row in response.context["figures"].by_agent] == [team.agent.pk]
    assert "You see your own figures" in response.content.decode()


def test_at_risk_lists_threads_breaching_within_2_and_6_hours(client, team, history):
    client.force_login(team.owner)
    at_risk = client.get(URL).context["at_risk"]
    assert at_risk.within == {2: 1, 6: 2}
    assert [item.thread for item in at_risk.threads] == [history["urgent"], history["waiting"]]
    assert at_risk.threads[0].urgent and not at_risk.threads[1].urgent


def test_nrn_marks_still_to_copy_to_seller_central_are_counted(client, team, history):
    client.force_login(team.owner)
    assert client.get(URL).context["nrn"].count == 1
    reminder = SellerCentralNrn.objects.get()
    response = client.post(reverse("messaging:dashboard_nrn_done", args=[reminder.pk]))
    assert response.status_code == 302
    assert client.get(URL).context["nrn"].count == 0


def test_read_only_member_may_not_confirm_a_seller_central_mark(client, team, history):
    reminder = SellerCentralNrn.objects.get()
    client.force_login(team.read_only)
    assert (
        client.post(reverse("messaging:dashboard_nrn_done", args=[reminder.pk])).status_code == 403
    )
    client.force_login(team.outsider)
    assert (
        client.post(reverse("messaging:dashboard_nrn_done", args=[reminder.pk])).status_code == 404
    )


def test_marketplace_filter_narrows_the_figures(client, team, history):
    client.force_login(team.owner)
    response = client.get(URL, {"marketplace": UK, "window": "7"})
    total = response.context["figures"].total
    assert (total.received, total.late) == (1, 1)


def test_marketplace_restricted_member_sees_only_their_marketplaces(client, team, history):
    membership = MembershipFactory(seller_account=team.account, role=Role.ADMIN)
    membership.marketplaces.set([UK])
    client.force_login(membership.user)
    response = client.get(URL, {"window": "7"})
    assert response.context["figures"].total.received == 1
    assert response.context["at_risk"].within == {2: 0, 6: 0}


def test_dates_window_and_bad_dates(client, team, history):
    client.force_login(team.owner)
    today = timezone.now().date()
    response = client.get(
        URL, {"window": "dates", "start": str(today - timedelta(days=2)), "end": str(today)}
    )
    assert response.context["window"].first == today - timedelta(days=2)
    response = client.get(
        URL, {"window": "dates", "start": str(today), "end": str(today - timedelta(days=2))}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_htmx_request_gets_only_the_figures(client, team, history):
    client.force_login(team.owner)
    response = client.get(URL, {"window": "30"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="dashboard-body">')
    assert "<html" not in content


def test_rollups_and_live_days_give_the_same_figures(client, team, history):
    client.force_login(team.owner)
    before = client.get(URL, {"window": "30"}).context["figures"]
    rollups.refresh_dirty()
    after = client.get(URL, {"window": "30"}).context["figures"]
    assert before.total == after.total
    assert [b.metrics for b in before.by_day] == [a.metrics for a in after.by_day]


def test_query_count_does_not_grow_with_messages(
    client, team, history, django_assert_max_num_queries
):
    now = timezone.now()
    for index in range(60):
        thread = ThreadFactory(
            seller_account=team.account,
            marketplace_id=DE if index % 2 else UK,
            last_activity_at=now,
        )
        buyer_message(thread, now - timedelta(days=index % 80, hours=30))
        reply(thread, now - timedelta(days=index % 80, hours=index % 40), team.agent)
    rollups.refresh_dirty()
    client.force_login(team.owner)
    with django_assert_max_num_queries(14):
        response = client.get(URL, {"window": "90"})
    assert response.context["figures"].total.received == 66


def test_chart_coordinates_stay_plain_numbers_in_languages_with_decimal_commas(
    client, team, history
):
    client.force_login(team.owner)
    content = client.get(URL, {"window": "7"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    coordinates = re.findall(r'<circle class="dot pct" cx="([^"]+)" cy="([^"]+)"', content)
    assert coordinates
    for x, y in coordinates:
        assert float(x) >= 0 and float(y) >= 0


@pytest.mark.parametrize("query", [{}, {"marketplace": DE}])
def test_the_window_shown_is_the_window_counted(client, team, query):
    client.force_login(team.owner)
    page = client.get(URL, {"account": team.account.pk, **query}).content.decode()
    assert re.search(r'<option value="30" selected>', page)
    today = timezone.now().astimezone(ZoneInfo(team.account.time_zone)).date()
    assert date_format(today - timedelta(days=29), "DATE_FORMAT") in page
