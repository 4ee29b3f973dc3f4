"""accounts.services: who may change whom on a team, and what each change records."""

import pytest

from accounts import scoping, services
from accounts.models import AuditEvent, Membership, Role
from tests.factories import UK, MembershipFactory


def membership_of(team, user) -> Membership:
    return Membership.objects.get(user=user, seller_account=team.account)


def test_owner_changes_a_role_and_the_trail_says_who_from_what_to_what(team):
    services.change_membership(
        team.owner,
        membership_of(team, team.agent),
        role=Role.ADMIN,
        marketplace_ids=[],
        assigned_only=False,
    )
    assert membership_of(team, team.agent).role == Role.ADMIN
    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.actor == team.owner
    assert event.data == {"member": team.agent.email, "from": "agent", "to": "admin"}


def test_restricting_marketplaces_and_assignments_is_recorded(team):
    services.change_membership(
        team.owner,
        membership_of(team, team.agent),
        role=Role.AGENT,
        marketplace_ids=[UK],
        assigned_only=True,
    )
    membership = membership_of(team, team.agent)
    assert [m.pk for m in membership.marketplaces.all()] == [UK]
    assert membership.assigned_only
    event = AuditEvent.objects.get(action="member.access_changed")
    assert event.data["marketplaces"] == {"from": [], "to": ["GB"]}


def test_a_marketplace_outside_the_account_is_refused(team):
    with pytest.raises(services.TeamRuleError):
        services.change_membership(
            team.owner,
            membership_of(team, team.agent),
            role=Role.AGENT,
            marketplace_ids=["ATVPDKIKX0DER"],
            assigned_only=False,
        )


def test_an_admin_cannot_make_an_owner_nor_touch_one(team):
    admin = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    with pytest.raises(services.TeamRuleError):
        services.change_membership(
            admin, membership_of(team, team.agent), role=Role.OWNER, marketplace_ids=[],
            assigned_only=False,
        )  # fmt: skip
    with pytest.raises(services.TeamRuleError):
        services.deactivate_membership(admin, membership_of(team, team.owner))
    with pytest.raises(services.TeamRuleError):
        services.invite(admin, team.account, email="boss@team.example", role=Role.OWNER)


def test_nobody_changes_their_own_access(team):
    with pytest.raises(services.TeamRuleError):
        services.deactivate_membership(team.owner, membership_of(team, team.owner))


def test_the_last_owner_stays_an_owner(team):
    second = MembershipFactory(seller_account=team.account, role=Role.OWNER)
    services.change_membership(
        team.owner, second, role=Role.ADMIN, marketplace_ids=[], assigned_only=False
    )
    # team.owner is now the only owner; the demoted one cannot demote them back.
    with pytest.raises(services.TeamRuleError):
        services.deactivate_membership(second.user, membership_of(team, team.owner))


def test_an_agent_may_not_manage_the_team(team):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.deactivate_membership(team.agent, membership_of(team, team.read_only))


def test_owner_makes_two_factor_mandatory_and_it_is_recorded(team):
    services.set_two_factor_required(team.owner, team.account, True)
    team.account.refresh_from_db()
    assert team.account.require_two_factor
    scoping.forget(team.agent)
    assert scoping.two_factor_required(team.agent)
    assert AuditEvent.objects.filter(action="account.two_factor_required").exists()


def test_an_admin_cannot_make_two_factor_mandatory(team):
    from django.core.exceptions import PermissionDenied

    admin = MembershipFactory(seller_account=team.account, role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        services.set_two_factor_required(admin, team.account, True)
