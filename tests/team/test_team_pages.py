"""The team pages: members, invitations and access, for admins and owners."""

from django.urls import reverse

from accounts.models import Invitation, Membership, Role
from tests.factories import UK, MembershipFactory


def test_members_page_lists_the_team_with_a_bounded_number_of_queries(
    client, team, django_assert_max_num_queries
):
    for i in range(30):
        MembershipFactory(seller_account=team.account, role=Role.AGENT).marketplaces.set([UK])
        Invitation.objects.create(
            seller_account=team.account,
            email=f"pending{i}@team.example",
            role=Role.AGENT,
            invited_by=team.owner,
            nonce="x",
            expires_at="2099-01-01T00:00:00Z",
        )
    client.force_login(team.owner)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("team:members", args=[team.account.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('id="member-') == 33
    assert response.content.decode().count('id="invitation-') == 30


def test_admin_invites_from_the_team_page(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("team:invite", args=[team.account.pk]),
            {"email": "Nia@Team.example", "role": "read_only", "marketplaces": [UK]},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nia@team.example")
    assert invitation.role == Role.READ_ONLY
    assert len(mailoutbox) == 1


def test_an_admin_is_not_offered_the_owner_role(client, team):
    admin = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    client.force_login(admin)
    response = client.post(
        reverse("team:invite", args=[team.account.pk]),
        {"email": "boss@team.example", "role": "owner"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_editing_access_from_the_member_page(client, team):
    membership = Membership.objects.get(user=team.agent, seller_account=team.account)
    client.force_login(team.owner)
    url = reverse("team:member", args=[team.account.pk, membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "read_only", "marketplaces": [UK], "assigned_only": "on"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.assigned_only) == (Role.READ_ONLY, True)


def test_a_member_of_the_team_cannot_be_edited_through_another_accounts_url(client, team):
    """The account in the URL and the membership must match: no mixing ids across accounts."""
    theirs = Membership.objects.get(user=team.outsider, seller_account=team.other_account)
    client.force_login(team.owner)
    url = reverse("team:member", args=[team.account.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_team_index_lists_only_the_teams_the_person_manages(client, team):
    client.force_login(team.agent)
    response = client.get(reverse("team:index"))
    assert b"Sunny Kitchen GmbH" not in response.content
    client.force_login(team.owner)
    assert b"Sunny Kitchen GmbH" in client.get(reverse("team:index")).content
