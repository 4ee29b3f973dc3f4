"""Invitations: an emailed signed link that expires; the first visit chooses a password."""

import re
import time

from django.core import signing
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, Membership, Role, User
from tests.factories import PASSWORD, UK, UserFactory

NEW_PASSWORD = "plum orchard 84 lanterns"


def invite(team, django_capture_on_commit_callbacks, email="new.agent@team.example", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invite(
            team.owner, team.account, email=email, role=extra.pop("role", Role.AGENT), **extra
        )


def link_in(mail) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", mail.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_invitation_email_carries_a_link_that_sets_a_password_and_signs_in(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    invite(team, django_capture_on_commit_callbacks, marketplace_ids=[UK], assigned_only=True)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.agent@team.example"]
    assert "Sunny Kitchen GmbH" in mailoutbox[0].subject
    url = path_of(link_in(mailoutbox[0]))
    assert b"Choose a password" in client.get(url).content
    response = client.post(
        url, {"name": "Nia Agent", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.agent@team.example")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user, seller_account=team.account)
    assert (membership.role, membership.assigned_only) == (Role.AGENT, True)
    assert [m.pk for m in membership.marketplaces.all()] == [UK]
    assert client.get(reverse("home")).status_code == 200  # signed in
    assert AuditEvent.objects.filter(action="member.joined", actor=user).exists()


def test_a_link_works_only_once(client, team, mailoutbox, django_capture_on_commit_callbacks):
    invite(team, django_capture_on_commit_callbacks)
    url = path_of(link_in(mailoutbox[0]))
    client.post(url, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    assert client.get(url).status_code == 404


def test_an_old_link_has_expired(client, team, settings, django_capture_on_commit_callbacks):
    invitation = invite(team, django_capture_on_commit_callbacks)

    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            hours = settings.INVITATION_MAX_AGE_HOURS + 1
            return signing.b62_encode(int(time.time()) - hours * 3600)

    token = SignedLongAgo(salt=services.INVITATION_SALT).sign_object(
        [invitation.pk, invitation.nonce]
    )
    response = client.get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert b"expired" in response.content
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_sending_again_replaces_the_earlier_link(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(team, django_capture_on_commit_callbacks)
    first = path_of(link_in(mailoutbox[0]))
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(team.owner, invitation)
    second = path_of(link_in(mailoutbox[1]))
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_a_forged_link_is_not_found(client, db):
    assert client.get(reverse("accounts:accept_invitation", args=["nope:123"])).status_code == 404


def test_a_withdrawn_invitation_no_longer_works(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(team, django_capture_on_commit_callbacks)
    services.revoke_invitation(team.owner, invitation)
    assert client.get(path_of(link_in(mailoutbox[0]))).status_code == 404


def test_weak_or_mismatched_passwords_are_refused(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    invite(team, django_capture_on_commit_callbacks)
    url = path_of(link_in(mailoutbox[0]))
    response = client.post(url, {"name": "Nia", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    response = client.post(
        url, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert b"differ" in response.content
    assert not User.objects.filter(email="new.agent@team.example").exists()


def test_someone_with_a_login_joins_after_signing_in(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="helper@other.example")
    invite(team, django_capture_on_commit_callbacks, email="Helper@Other.example")
    url = path_of(link_in(mailoutbox[0]))
    assert b"Sign in to join" in client.get(url).content
    client.post(reverse("login"), {"username": existing.email, "password": PASSWORD})
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=existing, seller_account=team.account).exists()


def test_the_link_refuses_someone_signed_in_as_another_person(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    invite(team, django_capture_on_commit_callbacks)
    client.force_login(team.outsider)
    assert client.get(path_of(link_in(mailoutbox[0]))).status_code == 403
    assert not Membership.objects.filter(user=team.outsider, seller_account=team.account).exists()


def test_inviting_someone_already_on_the_team_is_refused(team):
    import pytest

    with pytest.raises(services.TeamRuleError):
        services.invite(team.owner, team.account, email=team.agent.email.upper(), role="agent")
