"""Builders for the inbox tests: threads with buyer messages, orders and mailboxes."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from messaging import services
from messaging.models import Message, Thread
from tests.factories import (
    MailboxFactory,
    MessageFactory,
    OrderFactory,
    OrderItemFactory,
    ThreadFactory,
)


def buyer_thread(
    account, *, hours_ago: float = 2, text: str = "Where is my parcel?", **fields
) -> Thread:
    """A thread whose buyer wrote `hours_ago`, applied through the state machine."""
    at = timezone.now() - timedelta(hours=hours_ago)
    thread = ThreadFactory(seller_account=account, last_activity_at=at, **fields)
    mailbox = account.mailboxes.first() or MailboxFactory(
        seller_account=account, smtp_host="127.0.0.1", smtp_security="none"
    )
    message = MessageFactory(thread=thread, mailbox=mailbox, occurred_at=at, text=text)
    with transaction.atomic():
        services.record_buyer_message(services.lock(thread), message)
    thread.refresh_from_db()
    return thread


def with_order(thread: Thread, items: int = 2) -> Thread:
    order = OrderFactory(
        seller_account=thread.seller_account,
        amazon_order_id=thread.amazon_order_id,
        total_amount="42.50",
        total_currency="EUR",
    )
    for n in range(items):
        OrderItemFactory(order=order, title=f"Water bottle {n + 1}")
    thread.order = order
    thread.save(update_fields=["order"])
    return thread


def outbound(thread: Thread, state: str, **fields) -> Message:
    return Message.objects.create(
        thread=thread,
        mailbox=thread.seller_account.mailboxes.first(),
        direction="out",
        message_id=fields.pop("message_id", f"out-{thread.pk}-{state}@seller.example"),
        from_address="support@seller.example",
        to_address=thread.buyer_alias,
        text=fields.pop("text", "Thank you, it ships today."),
        occurred_at=timezone.now(),
        outgoing_state=state,
        **fields,
    )


def ensure_marketplaces() -> None:
    """Seed the marketplace reference rows again: a transactional test before this one may have
    flushed what the migration put there."""
    from accounts.marketplaces import seed
    from accounts.models import Marketplace

    seed(Marketplace)
