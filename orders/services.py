"""What the orders app does: connect a seller account to Amazon, test the connection, keep the
order mirror current, hydrate the orders threads name, and purge buyer data on time.

A Login-with-Amazon refusal marks the account "needs re-authorisation"; from then on nothing
calls Amazon for it until someone saves new credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import ConnectionState, OrdersApiVersion, SellerAccount, User

from . import mirror, ratelimit
from .client import (
    AmazonError,
    Connection,
    NeedsReauthorisation,
    RateLimitWait,
    SellingPartnerClient,
)
from .mirror import FetchReport
from .models import Order, OrderStatus

T = TypeVar("T")
PURGE_AFTER = timedelta(days=30)  # Amazon's Data Protection Policy: 30 days after delivery
SYNC_LOCK_SECONDS = 3600
# Budgeted runs (the beat tasks) never let the rate limiter hold a worker longer than this
# per call; when Amazon's quota needs a longer pause they stop and the next run carries on.
BUDGETED_MAX_WAIT = 5.0
# Beat starts each account's order work every minute or few; one run stays well inside that,
# so runs never pile up and no worker is held for long.
BEAT_BUDGET_SECONDS = 50.0


def _deadline(budget_seconds: float | None) -> float | None:
    return None if budget_seconds is None else time.monotonic() + budget_seconds


class AccountNeedsReauthorisation(Exception):
    """The seller account must be connected again before we may call Amazon for it."""


def connection_for(account: SellerAccount) -> Connection:
    return Connection(
        account_id=account.pk,
        client_id=account.lwa_client_id,
        client_secret=account.lwa_client_secret,
        refresh_token=account.refresh_token,
        region=account.region,
        marketplace_ids=tuple(m.pk for m in account.marketplaces.all()),
        sp_api_endpoint=account.sp_api_endpoint,
        lwa_endpoint=account.lwa_endpoint,
    )


def client_for(account: SellerAccount, *, max_wait: float = 600.0) -> SellingPartnerClient:
    if account.connection_state == ConnectionState.NEEDS_REAUTHORISATION:
        raise AccountNeedsReauthorisation(account.connection_error)
    return SellingPartnerClient(connection_for(account), max_wait=max_wait)


def _guarded(
    account: SellerAccount,
    work: Callable[[SellingPartnerClient], T],
    *,
    max_wait: float = 600.0,
) -> T:
    """Run `work` with a client; a Login-with-Amazon refusal marks the account and re-raises."""
    client = client_for(account, max_wait=max_wait)
    try:
        return work(client)
    except NeedsReauthorisation as error:
        mark_needs_reauthorisation(account.pk, error.message)
        raise AccountNeedsReauthorisation(error.message) from error


def mark_needs_reauthorisation(account_id: int, reason: str) -> bool:
    """Stop calling Amazon for the account until it is connected again. True if it changed."""
    with transaction.atomic():
        changed = (
            SellerAccount.objects.filter(pk=account_id)
            .exclude(connection_state=ConnectionState.NEEDS_REAUTHORISATION)
            .update(
                connection_state=ConnectionState.NEEDS_REAUTHORISATION,
                connection_error=reason[:1000],
                connection_checked_at=timezone.now(),
            )
        )
        if changed:
            audit.record(
                None,
                "seller_account.needs_reauthorisation",
                seller_account=account_id,
                data={"reason": reason[:200]},
            )
    return bool(changed)


# --- the order mirror ------------------------------------------------------------------------
def hydrate_orders(
    account_id: int, order_ids: Iterable[str], *, budget_seconds: float | None = None
) -> FetchReport:
    """Make the orders named by `order_ids` present and fresh locally (items included).

    Without a budget it runs to the end, waiting for Amazon's quota as long as needed. With
    one it stops after about `budget_seconds` (report.deferred) and a later call finishes.
    """
    account = SellerAccount.objects.get(pk=account_id)
    deadline = _deadline(budget_seconds)
    return _guarded(
        account,
        lambda client: mirror.hydrate(account, client, order_ids, deadline),
        max_wait=600.0 if budget_seconds is None else BUDGETED_MAX_WAIT,
    )


def hydration_chunks(account_id: int, order_ids: Iterable[str], size: int = 50) -> list[list[str]]:
    """The stale ones of `order_ids`, in chunks that workers can hydrate in parallel without
    costing extra calls (v0 batches getOrders by 50 ids, so ids to fetch are grouped by 50)."""
    account = SellerAccount.objects.get(pk=account_id)
    _, items_only, fetch = mirror.stale_ids(account, order_ids, timezone.now())
    return [
        group[i : i + size] for group in (fetch, items_only) for i in range(0, len(group), size)
    ]


def sync_recent_orders(
    account_id: int, *, budget_seconds: float | None = None
) -> FetchReport | None:
    """Pull what changed at Amazon since the last sync (the first run pulls the whole window).

    Returns None when another worker is already syncing this account. With a budget it stops
    after about `budget_seconds` and the next call resumes the same pass.
    """
    lock = f"orders:sync-lock:{account_id}"
    if not cache.add(lock, 1, SYNC_LOCK_SECONDS):
        return None
    try:
        account = SellerAccount.objects.get(pk=account_id)
        deadline = _deadline(budget_seconds)
        return _guarded(
            account,
            lambda client: mirror.sync_window(account, client, deadline),
            max_wait=600.0 if budget_seconds is None else BUDGETED_MAX_WAIT,
        )
    finally:
        cache.delete(lock)


def syncable_account_ids() -> list[int]:
    """Accounts with credentials that are not waiting for re-authorisation."""
    return list(
        SellerAccount.objects.exclude(refresh_token="")
        .exclude(connection_state=ConnectionState.NEEDS_REAUTHORISATION)
        .values_list("pk", flat=True)
    )


def purge_buyer_data(now: datetime | None = None) -> int:
    """Erase buyer names and addresses 30 days after delivery (or after cancellation).

    Without a confirmed delivery time the latest promised delivery date stands in for it.
    Returns how many orders were purged.
    """
    now = now or timezone.now()
    cutoff = now - PURGE_AFTER
    delivered = Q(delivered_at__lt=cutoff) | Q(
        delivered_at__isnull=True,
        status__in=[OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.INVOICE_UNCONFIRMED],
        latest_delivery_date__lt=cutoff,
    )
    ended = Q(
        status__in=[OrderStatus.CANCELED, OrderStatus.UNFULFILLABLE],
        purchased_at__lt=cutoff,
    )
    return (
        Order.objects.filter(pii_purged_at__isnull=True)
        .filter(delivered | ended)
        .update(buyer_name="", shipping_address={}, pii_purged_at=now)
    )


# --- connecting an account -------------------------------------------------------------------
@dataclass
class ConnectionSettings:
    lwa_client_id: str
    lwa_client_secret: str  # empty: keep the stored one
    refresh_token: str  # empty: keep the stored one
    region: str
    marketplace_ids: list[str]
    orders_api_version: str
    merchant_id: str = ""
    sp_api_endpoint: str = ""
    lwa_endpoint: str = ""


@transaction.atomic
def save_connection(
    account: SellerAccount, actor: User | None, data: ConnectionSettings
) -> SellerAccount:
    """Store the seller's SP-API credentials and choices; secrets are encrypted at rest.

    New credentials clear a "needs re-authorisation" mark: calls may be tried again.
    """
    account = SellerAccount.objects.select_for_update().get(pk=account.pk)
    changed = []
    plain = {
        "lwa_client_id": data.lwa_client_id.strip(),
        "region": data.region,
        "orders_api_version": data.orders_api_version,
        "merchant_id": data.merchant_id.strip(),
        "sp_api_endpoint": data.sp_api_endpoint.strip(),
        "lwa_endpoint": data.lwa_endpoint.strip(),
    }
    for name, value in plain.items():
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed.append(name)
    for name in ("lwa_client_secret", "refresh_token"):
        value = getattr(data, name).strip()
        if value:
            setattr(account, name, value)
            changed.append(name)  # recorded by name only, never the value
    if changed:
        account.connection_state = ConnectionState.NOT_CONNECTED
        account.connection_error = ""
    account.save()
    before = set(account.marketplaces.values_list("id", flat=True))
    if before != set(data.marketplace_ids):
        account.marketplaces.set(data.marketplace_ids)
        changed.append("marketplaces")
    audit.record(
        actor,
        "seller_account.connection_saved",
        seller_account=account,
        target=account,
        data={"changed": changed},
    )
    secrets = [name for name in ("lwa_client_secret", "refresh_token") if name in changed]
    if secrets:
        audit.record(
            actor,
            "account.secret_changed",
            seller_account=account,
            target=account,
            data={"fields": secrets},
        )
    transaction.on_commit(lambda: ratelimit.forget(account.pk))
    return account


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not tried
    detail: str


def check_connection(account: SellerAccount, actor: User | None) -> list[Check]:
    """Call Amazon the way the product will and say, step by step, what worked."""
    checks: list[Check] = []
    client = SellingPartnerClient(connection_for(account), max_wait=5)
    try:
        client.check_login()
        checks.append(Check(_("Login with Amazon"), True, _("The refresh token was accepted.")))
    except AmazonError as error:
        checks.append(Check(_("Login with Amazon"), False, error.message))
        _record_test(
            account, actor, checks, needs_reauthorisation=isinstance(error, NeedsReauthorisation)
        )
        return checks
    order_id, marketplace_id = _check_orders(account, client, checks)
    if order_id:
        try:
            actions = client.messaging_actions(order_id, marketplace_id)
            checks.append(
                Check(
                    _("Messaging API"),
                    True,
                    _("Allowed for order %(order)s: %(actions)s.")
                    % {"order": order_id, "actions": ", ".join(actions) or "-"},
                )
            )
        except (AmazonError, RateLimitWait) as error:
            checks.append(Check(_("Messaging API"), False, str(error)))
    else:
        checks.append(
            Check(_("Messaging API"), None, _("Not tried: no recent order to ask about."))
        )
    _record_test(account, actor, checks)
    return checks


def _check_orders(account: SellerAccount, client: SellingPartnerClient, checks: list[Check]):
    since = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    marketplaces = [m.pk for m in account.marketplaces.all()]
    label = _("Orders API (%(version)s)") % {"version": account.get_orders_api_version_display()}
    try:
        if account.orders_api_version == OrdersApiVersion.V0:
            page = client.get_orders(
                CreatedAfter=since, MarketplaceIds=marketplaces, MaxResultsPerPage=1
            )
            first = page.orders[0] if page.orders else None
            order = (first["AmazonOrderId"], first["MarketplaceId"]) if first else (None, None)
        else:
            page = client.search_orders(
                createdAfter=since, marketplaceIds=marketplaces, maxResultsPerPage=1
            )
            first = page.orders[0] if page.orders else None
            order = (
                (first["orderId"], first["salesChannel"]["marketplaceId"])
                if first
                else (None, None)
            )
    except RateLimitWait as error:
        checks.append(
            Check(
                label,
                None,
                _("Not tried: Amazon's rate limit allows the next call in %(s)d s.")
                % {"s": error.seconds},
            )
        )
        return None, None
    except AmazonError as error:
        checks.append(Check(label, False, error.message))
        return None, None
    detail = (
        _("Reachable; an order of the last 30 days: %(order)s.") % {"order": order[0]}
        if order[0]
        else _("Reachable; no orders in the last 30 days.")
    )
    checks.append(Check(label, True, detail))
    return order


@transaction.atomic
def _record_test(
    account: SellerAccount,
    actor: User | None,
    checks: list[Check],
    needs_reauthorisation: bool = False,
) -> None:
    failed = [c for c in checks if c.ok is False]
    if needs_reauthorisation:
        state = ConnectionState.NEEDS_REAUTHORISATION
    else:
        state = ConnectionState.ERROR if failed else ConnectionState.CONNECTED
    SellerAccount.objects.filter(pk=account.pk).update(
        connection_state=state,
        connection_error="; ".join(f"{c.name}: {c.detail}" for c in failed)[:1000],
        connection_checked_at=timezone.now(),
    )
    audit.record(
        actor,
        "seller_account.connection_tested",
        seller_account=account,
        target=account,
        data={"result": state, "failed": [c.name for c in failed]},
    )
