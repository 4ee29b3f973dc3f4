"""Things people do to accounts and memberships. Each function is atomic."""

from django.db import transaction

from . import scoping
from .models import Marketplace, Membership, Region, SellerAccount, User


@transaction.atomic
def create_seller_account(
    *, name: str, region: str, marketplace_ids: list[str], owner: User, time_zone: str = "UTC"
) -> SellerAccount:
    """A new seller account in `region` with `owner` as its first member."""
    if region not in Region.values:
        raise ValueError(f"Unknown region {region!r}.")
    marketplaces = list(Marketplace.objects.filter(id__in=marketplace_ids))
    wrong = [m.id for m in marketplaces if m.region != region]
    if wrong or len(marketplaces) != len(set(marketplace_ids)):
        raise ValueError(f"Marketplaces {marketplace_ids} are not all known {region} marketplaces.")
    account = SellerAccount.objects.create(name=name, region=region, time_zone=time_zone)
    account.marketplaces.set(marketplaces)
    Membership.objects.create(user=owner, seller_account=account, role="owner")
    scoping.forget(owner)
    return account
