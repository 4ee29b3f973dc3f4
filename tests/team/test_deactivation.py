"""Deactivating a member: their live sessions end at once and their threads go back to the
queue, unassigned; the trail records it."""

from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, UserSession
from messaging.models import Thread
from tests.factories import PASSWORD, ThreadFactory


def sign_in(person) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_deactivation_ends_the_members_live_sessions(client, team):
    agent_browser = sign_in(team.agent)
    second_browser = sign_in(team.agent)
    assert UserSession.objects.filter(user=team.agent).count() == 2
    assert agent_browser.get(reverse("home")).status_code == 200
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)

    client.force_login(team.owner)
    response = client.post(reverse("team:deactivate", args=[team.account.pk, membership.pk]))
    assert response.status_code == 302

    assert not UserSession.objects.filter(user=team.agent).exists()
    for browser in (agent_browser, second_browser):
        response = browser.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(action="member.deactivated")
    assert (event.actor, event.data["sessions_ended"]) == (team.owner, 2)


def test_deactivation_returns_their_threads_of_that_account_to_the_queue(client, team):
    mine = ThreadFactory.create_batch(3, seller_account=team.account, assignee=team.agent)
    someone_elses = ThreadFactory(seller_account=team.account, assignee=team.read_only)
    Membership.objects.create(user=team.agent, seller_account=team.other_account, role="agent")
    elsewhere = ThreadFactory(seller_account=team.other_account, assignee=team.agent)
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)

    client.force_login(team.owner)
    client.post(reverse("team:deactivate", args=[team.account.pk, membership.pk]))

    assert not Thread.objects.filter(pk__in=[t.pk for t in mine], assignee__isnull=False).exists()
    assert Thread.objects.get(pk=someone_elses.pk).assignee == team.read_only
    assert Thread.objects.get(pk=elsewhere.pk).assignee == team.agent
    event = AuditEvent.objects.get(action="thread.returned_to_queue")
    assert event.data["count"] == 3


def test_a_deactivated_member_sees_nothing_of_the_account_after_signing_in_again(client, team):
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)
    thread = ThreadFactory(seller_account=team.account)
    client.force_login(team.owner)
    client.post(reverse("team:deactivate", args=[team.account.pk, membership.pk]))
    browser = sign_in(team.agent)
    assert b"Sunny Kitchen GmbH" not in browser.get(reverse("home")).content
    from accounts import scoping

    assert not scoping.scope(Thread.objects.filter(pk=thread.pk), team.agent).exists()


def test_reactivation_gives_access_back(client, team):
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)
    client.force_login(team.owner)
    client.post(reverse("team:deactivate", args=[team.account.pk, membership.pk]))
    client.post(reverse("team:reactivate", args=[team.account.pk, membership.pk]))
    assert Membership.objects.get(pk=membership.pk).is_active
    assert b"Sunny Kitchen GmbH" in sign_in(team.agent).get(reverse("home")).content


def test_deactivate_over_htmx_returns_the_members_partial(client, team):
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)
    client.force_login(team.owner)
    response = client.post(
        reverse("team:deactivate", args=[team.account.pk, membership.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="members">')
    assert "Deactivated" in html
