"""The single gate for "may this user see / do this".

Every query that returns seller data is built on `scope()`; every view that loads one object
uses `get_for_user()`. Someone outside the seller account gets a 404 (we never confirm that
another seller's data exists); a member whose role does not allow the action gets a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, Q, QuerySet
from django.http import Http404

from .models import Membership, Role, SellerAccount, User


class Action:
    VIEW = "view"  # see threads, orders, figures
    REPLY = "reply"  # answer buyers, tag, assign, mark no response needed
    MANAGE = "manage"  # sub-users, templates, tags, seller connections, mailboxes
    OWN = "own"  # owner-only settings (audit export, mandatory two-factor)


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({Action.VIEW, Action.REPLY, Action.MANAGE, Action.OWN}),
    Role.ADMIN: frozenset({Action.VIEW, Action.REPLY, Action.MANAGE}),
    Role.AGENT: frozenset({Action.VIEW, Action.REPLY}),
    Role.READ_ONLY: frozenset({Action.VIEW}),
}


@dataclass(frozen=True)
class Grant:
    """What one active membership lets its user see."""

    seller_account_id: int
    role: str
    marketplace_ids: frozenset[str]  # empty: every marketplace
    assigned_only: bool
    two_factor_required: bool = False  # the account's owner made a second factor mandatory
    # Shown on every page (banners, account pickers) without another query.
    seller_account_name: str = ""
    connection_state: str = ""

    def allows(self, action: str) -> bool:
        return action in ROLE_ACTIONS[self.role]


def grants(user: User) -> list[Grant]:
    """The user's active memberships, loaded once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_scoping_grants", None)
    if cached is not None:
        return cached
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .annotate(
            two_factor_required=F("seller_account__require_two_factor"),
            seller_account_name=F("seller_account__name"),
            connection_state=F("seller_account__connection_state"),
        )
        .prefetch_related("marketplaces")
        .order_by("seller_account_id")
    )
    result = [
        Grant(
            seller_account_id=m.seller_account_id,
            role=m.role,
            marketplace_ids=frozenset(mp.id for mp in m.marketplaces.all()),
            assigned_only=m.assigned_only and m.role in (Role.AGENT, Role.READ_ONLY),
            two_factor_required=m.two_factor_required,
            seller_account_name=m.seller_account_name,
            connection_state=m.connection_state,
        )
        for m in memberships
    ]
    user._scoping_grants = result  # type: ignore[attr-defined]
    return result


def forget(user: User) -> None:
    """Drop the cached grants (after a membership of this user changed)."""
    user.__dict__.pop("_scoping_grants", None)


def account_ids(user: User, action: str = Action.VIEW) -> list[int]:
    return [g.seller_account_id for g in grants(user) if g.allows(action)]


def scope(
    queryset: QuerySet,
    user: User,
    action: str = Action.VIEW,
    *,
    account_field: str = "seller_account",
    marketplace_field: str | None = None,
    assignee_field: str | None = None,
) -> QuerySet:
    """Narrow `queryset` to the rows `user` may perform `action` on.

    `account_field` is the path from the queryset's model to its SellerAccount ("pk" when the
    queryset is of SellerAccount). Pass `marketplace_field` for rows that belong to one
    marketplace (threads, orders) so marketplace restrictions apply, and `assignee_field` for
    rows that can be assigned (threads) so an "assigned only" agent sees just their own.
    """
    whole_accounts: list[int] = []
    condition = Q(pk__in=[])
    for grant in grants(user):
        if not grant.allows(action):
            continue
        restrict_marketplace = bool(marketplace_field and grant.marketplace_ids)
        restrict_assignee = bool(assignee_field and grant.assigned_only)
        if not (restrict_marketplace or restrict_assignee):
            whole_accounts.append(grant.seller_account_id)
            continue
        part = Q(**{account_field: grant.seller_account_id})
        if restrict_marketplace:
            part &= Q(**{f"{marketplace_field}__in": sorted(grant.marketplace_ids)})
        if restrict_assignee:
            part &= Q(**{assignee_field: user})
        condition |= part
    if whole_accounts:
        condition |= Q(**{f"{account_field}__in": whole_accounts})
    return queryset.filter(condition)


def seller_accounts(user: User, action: str = Action.VIEW) -> QuerySet[SellerAccount]:
    return scope(SellerAccount.objects.all(), user, action, account_field="pk")


def get_for_user(
    queryset: QuerySet,
    user: User,
    action: str = Action.VIEW,
    *,
    account_field: str = "seller_account",
    marketplace_field: str | None = None,
    assignee_field: str | None = None,
    **lookup: object,
) -> Model:
    """The one object matching `lookup` that `user` may see, checked for `action`.

    Raises Http404 when the user cannot see it at all, PermissionDenied when they can see it but
    their role does not allow `action` (a read-only user on a write endpoint).
    """
    fields = {
        "account_field": account_field,
        "marketplace_field": marketplace_field,
        "assignee_field": assignee_field,
    }
    visible = scope(queryset, user, Action.VIEW, **fields)
    try:
        obj = visible.get(**lookup)
    except (visible.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != Action.VIEW:
        allowed = scope(queryset.model._default_manager.filter(pk=obj.pk), user, action, **fields)
        if not allowed.exists():
            raise PermissionDenied
    return obj


def require(user: User, seller_account_id: int, action: str) -> Grant:
    """The user's grant on the account, or 404 (not a member) / 403 (role too weak)."""
    for grant in grants(user):
        if grant.seller_account_id == seller_account_id:
            if not grant.allows(action):
                raise PermissionDenied
            return grant
    raise Http404


def can(user: User, seller_account_id: int, action: str) -> bool:
    return any(g.seller_account_id == seller_account_id and g.allows(action) for g in grants(user))


def two_factor_required(user: User) -> bool:
    """Whether any seller account this user works in makes a second factor mandatory."""
    return any(g.two_factor_required for g in grants(user))
