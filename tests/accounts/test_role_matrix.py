"""The role-by-action matrix: what each role may do in its seller account, and nothing in
another seller's."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import scoping
from accounts.models import Role
from accounts.scoping import Action
from tests.factories import MembershipFactory

# The issue's table, written out: owner everything; admin manages but does not own; agent reads
# and answers; read-only only sees.
MATRIX = {
    Role.OWNER: {Action.VIEW, Action.REPLY, Action.MANAGE, Action.OWN},
    Role.ADMIN: {Action.VIEW, Action.REPLY, Action.MANAGE},
    Role.AGENT: {Action.VIEW, Action.REPLY},
    Role.READ_ONLY: {Action.VIEW},
}
ACTIONS = [Action.VIEW, Action.REPLY, Action.MANAGE, Action.OWN]


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_may_do_exactly_its_actions(team, role, action):
    person = MembershipFactory(seller_account=team.account, role=role).user
    allowed = action in MATRIX[role]
    assert scoping.can(person, team.account.pk, action) is allowed
    if allowed:
        assert scoping.require(person, team.account.pk, action).role == role
    else:
        with pytest.raises(PermissionDenied):
            scoping.require(person, team.account.pk, action)


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("action", ACTIONS)
def test_no_role_reaches_into_another_sellers_account(team, role, action):
    person = MembershipFactory(seller_account=team.other_account, role=role).user
    assert not scoping.can(person, team.account.pk, action)
    with pytest.raises(Http404):
        scoping.require(person, team.account.pk, action)


def test_one_person_has_different_roles_in_different_accounts(team):
    MembershipFactory(user=team.read_only, seller_account=team.other_account, role=Role.ADMIN)
    scoping.forget(team.read_only)
    assert not scoping.can(team.read_only, team.account.pk, Action.REPLY)
    assert scoping.can(team.read_only, team.other_account.pk, Action.MANAGE)


def test_the_code_table_matches_the_issue(db):
    assert {role: set(actions) for role, actions in scoping.ROLE_ACTIONS.items()} == MATRIX
