"""accounts.scoping: the one gate that decides who sees and does what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import scoping
from accounts.models import Role
from messaging.models import Thread
from tests.factories import DE, UK, MembershipFactory, ThreadFactory


def test_members_see_their_account_and_outsiders_do_not(team):
    assert list(scoping.seller_accounts(team.owner)) == [team.account]
    assert list(scoping.seller_accounts(team.outsider)) == [team.other_account]


def test_outsider_gets_404_for_another_sellers_thread(team):
    thread = ThreadFactory(seller_account=team.account)
    with pytest.raises(Http404):
        scoping.get_for_user(Thread.objects.all(), team.outsider, scoping.Action.VIEW, pk=thread.pk)


def test_read_only_member_sees_but_may_not_reply(team):
    thread = ThreadFactory(seller_account=team.account)
    assert scoping.get_for_user(Thread.objects.all(), team.read_only, pk=thread.pk) == thread
    with pytest.raises(PermissionDenied):
        scoping.get_for_user(
            Thread.objects.all(), team.read_only, scoping.Action.REPLY, pk=thread.pk
        )


def test_agent_may_reply_but_not_manage(team):
    assert scoping.can(team.agent, team.account.id, scoping.Action.REPLY)
    with pytest.raises(PermissionDenied):
        scoping.require(team.agent, team.account.id, scoping.Action.MANAGE)
    with pytest.raises(Http404):
        scoping.require(team.outsider, team.account.id, scoping.Action.VIEW)


def test_marketplace_restriction_hides_other_marketplaces(team):
    membership = MembershipFactory(seller_account=team.account, role=Role.AGENT)
    membership.marketplaces.set([UK])
    uk = ThreadFactory(seller_account=team.account, marketplace_id=UK)
    ThreadFactory(seller_account=team.account, marketplace_id=DE)
    visible = scoping.scope(Thread.objects.all(), membership.user, marketplace_field="marketplace")
    assert list(visible) == [uk]


def test_assigned_only_agent_sees_just_their_threads(team):
    membership = MembershipFactory(seller_account=team.account, role=Role.AGENT, assigned_only=True)
    mine = ThreadFactory(seller_account=team.account, assignee=membership.user)
    ThreadFactory(seller_account=team.account, assignee=team.agent)
    visible = scoping.scope(Thread.objects.all(), membership.user, assignee_field="assignee")
    assert list(visible) == [mine]


def test_deactivated_membership_sees_nothing(team):
    team.agent.memberships.update(is_active=False)
    assert not scoping.seller_accounts(team.agent).exists()


def test_inactive_user_sees_nothing(team):
    team.owner.is_active = False
    assert not scoping.seller_accounts(team.owner).exists()


def test_grants_are_loaded_once_and_then_cached(team, django_assert_num_queries):
    with django_assert_num_queries(2):  # memberships + their marketplaces
        scoping.grants(team.owner)
    with django_assert_num_queries(0):
        scoping.grants(team.owner)
