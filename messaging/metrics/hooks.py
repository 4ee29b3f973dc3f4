"""The calls `messaging.services` makes when a buyer message's answered or NRN state changes.

Each runs inside the caller's transaction and only writes small rows: dirty marks for the days
whose rollups must be recomputed (see rollups.py), and the Seller Central reminders for NRN
marks. Nothing here sends or enqueues anything.
"""

from datetime import datetime

from accounts.models import User
from messaging.models import Direction, Message, Thread

from .models import RollupDirtyMark, SellerCentralNrn


def buyer_messages_recorded(seller_account_id: int, received: list[datetime]) -> None:
    """New buyer messages received at these times: one INSERT however many there are."""
    RollupDirtyMark.objects.bulk_create(
        RollupDirtyMark(seller_account_id=seller_account_id, received_at=at)
        for at in sorted(set(received))
    )


def thread_changed(thread: Thread) -> None:
    """Any change that can reach back to older buyer messages of the thread (a reply sent or
    rejected, an NRN mark or its undo, a new assignee): every day the thread has messages on."""
    received = set(
        Message.objects.filter(thread_id=thread.pk, direction=Direction.INBOUND).values_list(
            "occurred_at", flat=True
        )
    )
    RollupDirtyMark.objects.bulk_create(
        RollupDirtyMark(seller_account_id=thread.seller_account_id, received_at=at)
        for at in sorted(received)
    )


def no_response_needed_marked(thread: Thread, actor: User | None, at: datetime) -> None:
    """Remember a mark that took buyer messages out of our measure: the same mark is still
    needed in Seller Central, since ours cannot reach Amazon's metric."""
    newest = (
        Message.objects.filter(
            thread_id=thread.pk, direction=Direction.INBOUND, no_response_needed_at=at
        )
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if newest is not None:
        SellerCentralNrn.objects.create(
            thread_id=thread.pk,
            seller_account_id=thread.seller_account_id,
            marketplace_id=thread.marketplace_id or "",
            marked_at=at,
            marked_by=actor if actor is not None and actor.is_authenticated else None,
            newest_received_at=newest,
        )
    thread_changed(thread)


def no_response_needed_undone(thread: Thread, marked_at: datetime | None) -> None:
    """The last mark (made at `marked_at`) was taken back before anyone copied it to Seller
    Central: nothing to copy for it. Earlier marks of the thread still stand."""
    if marked_at is not None:
        SellerCentralNrn.objects.filter(
            thread_id=thread.pk, done_in_seller_central_at__isnull=True, marked_at__gte=marked_at
        ).delete()
    thread_changed(thread)
