"""Periodic and slow order work; each task takes ids and calls a service."""

from celery import shared_task

from . import services


@shared_task
def sync_recent_orders(account_id: int, budget_seconds: float | None = None) -> int | None:
    """Pull the account's order changes since the last sync; the number of orders read."""
    try:
        report = services.sync_recent_orders(account_id, budget_seconds=budget_seconds)
    except services.AccountNeedsReauthorisation:
        return None
    return None if report is None else report.requested


@shared_task
def sync_all_recent_orders() -> int:
    """Beat: queue one incremental sync per connected seller account."""
    account_ids = services.syncable_account_ids()
    for account_id in account_ids:
        sync_recent_orders.delay(account_id, services.BEAT_BUDGET_SECONDS)
    return len(account_ids)


@shared_task
def hydrate_orders(account_id: int, order_ids: list[str]) -> int:
    """Fetch the named orders that are missing or stale; the number fetched."""
    try:
        return services.hydrate_orders(account_id, order_ids).fetched
    except services.AccountNeedsReauthorisation:
        return 0


@shared_task
def purge_buyer_data() -> int:
    """Beat: erase buyer personal data 30 days after delivery."""
    return services.purge_buyer_data()
