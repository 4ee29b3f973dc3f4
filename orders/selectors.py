"""Queries returning orders and connection state, always through accounts.scoping."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from accounts import scoping
from accounts.models import ConnectionState, SellerAccount, User

from .models import Order, OrderItem


def order_with_items(user: User, order_id: int) -> Order:
    """One order the user may see, with its marketplace and items (two queries after the
    user's grants are known). 404 for anyone outside its seller account."""
    queryset = Order.objects.select_related("marketplace").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id"))
    )
    return scoping.get_for_user(queryset, user, marketplace_field="marketplace", pk=order_id)


@dataclass(frozen=True)
class AccountToReconnect:
    pk: int
    name: str


def accounts_needing_reauthorisation(user: User) -> list[AccountToReconnect]:
    """The user's seller accounts whose Amazon connection must be renewed (no extra query:
    the state comes with the user's grants)."""
    return [
        AccountToReconnect(g.seller_account_id, g.seller_account_name)
        for g in scoping.grants(user)
        if g.connection_state == ConnectionState.NEEDS_REAUTHORISATION
    ]


def account_to_manage(user: User, account_id: int) -> SellerAccount:
    """A seller account the user may manage: 404 outside it, 403 without the role."""
    scoping.require(user, account_id, scoping.Action.MANAGE)
    return SellerAccount.objects.prefetch_related("marketplaces").get(pk=account_id)


def order_for_user(user: User, order_id: int, action: str = scoping.Action.VIEW) -> Order:
    """One order with its account and marketplace: 404 for anyone outside its seller account
    (or marketplace), 403 when the user's role does not allow `action`."""
    return scoping.get_for_user(
        Order.objects.select_related("seller_account", "marketplace"),
        user,
        action,
        marketplace_field="marketplace",
        pk=order_id,
    )
