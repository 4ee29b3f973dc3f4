"""Signing in: audit trail of successes and failures, throttling of wrong passwords."""

import json
import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, UserSession
from tests.factories import PASSWORD, MembershipFactory


def attempt(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_a_sign_in_is_recorded_in_each_account_of_the_person(client, team):
    MembershipFactory(user=team.agent, seller_account=team.other_account)
    assert attempt(client, team.agent.email, PASSWORD).status_code == 302
    events = AuditEvent.objects.filter(action="auth.signed_in", actor=team.agent)
    assert {e.seller_account_id for e in events} == {team.account.pk, team.other_account.pk}
    assert events[0].data == {"ip": "203.0.113.7", "method": "password"}


def test_a_failed_sign_in_is_recorded_for_the_account_owners_to_see(client, team):
    response = attempt(client, team.agent.email, "wrong")
    assert response.status_code == 200
    assert b"do not match" in response.content
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert (event.actor, event.seller_account) == (team.agent, team.account)


def test_repeated_wrong_passwords_pause_signing_in(client, team, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, team.agent.email, "wrong").status_code == 200
    response = attempt(client, team.agent.email.upper(), "wrong")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    # Even the right password is refused while paused...
    assert attempt(client, team.agent.email, PASSWORD).status_code == 429
    # ...but only for that address from that place: others are not locked out by an attacker.
    assert attempt(Client(), team.agent.email, PASSWORD, ip="198.51.100.2").status_code == 302
    assert attempt(Client(), team.owner.email, PASSWORD).status_code == 302


def test_sign_in_only_redirects_within_the_site(client, team):
    response = client.post(
        reverse("login") + "?next=https://evil.example/", {"username": team.agent.email,
        "password": PASSWORD},
    )  # fmt: skip
    assert response["Location"] == reverse("home")
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": team.agent.email, "password": PASSWORD, "next": "/team/"},
    )
    assert response["Location"] == "/team/"


def test_an_expired_session_is_signed_out(client, team):
    attempt(client, team.agent.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    UserSession.objects.filter(user=team.agent).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("home")).status_code == 302


def test_htmx_posts_carry_the_csrf_token_the_base_template_sends(team):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(team.owner)
    page = browser.get(reverse("team:members", args=[team.account.pk])).content.decode()
    headers = json.loads(re.search(r"hx-headers='([^']+)'", page).group(1))
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)
    url = reverse("team:deactivate", args=[team.account.pk, membership.pk])

    refused = browser.post(url, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    assert Membership.objects.get(pk=membership.pk).is_active

    accepted = browser.post(url, headers={"HX-Request": "true", **headers})
    assert accepted.status_code == 200
    assert not Membership.objects.get(pk=membership.pk).is_active
