"""Tasks that bring order context to threads (found by Celery's autodiscovery)."""

from celery import shared_task

from orders import services as order_services

from . import order_context


@shared_task
def hydrate_thread_orders(
    account_id: int, order_ids: list[str] | None = None, budget_seconds: float | None = None
) -> int | None:
    """Fetch the orders the account's threads name (or `order_ids`) and link the threads."""
    try:
        return order_context.hydrate_thread_orders(account_id, order_ids, budget_seconds)
    except order_services.AccountNeedsReauthorisation:
        return 0


@shared_task
def hydrate_all_thread_orders() -> int:
    """Beat: queue thread-order hydration for every connected seller account."""
    account_ids = order_services.syncable_account_ids()
    for account_id in account_ids:
        hydrate_thread_orders.delay(account_id, None, order_services.BEAT_BUDGET_SECONDS)
    return len(account_ids)
