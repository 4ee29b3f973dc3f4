"""What happens to a thread: buyer messages arrive, replies go out or bounce, people mark
"No Response Needed", close, reopen and assign.

The 24-hour measure follows Amazon's Contact Response Time (see the dashboard page for the
choices we made where Amazon is unclear):
- a buyer message starts a clock; the first seller reply *sent* after it stops it, and one reply
  answers every earlier unanswered buyer message of the thread;
- "No Response Needed" takes the unanswered messages out of the measure;
- a reply Amazon rejected is not a response: the messages it answered are open again;
- proactive messages (SP-API) start nothing and answer nothing.

Each function expects to run inside a transaction and locks the thread row first, so a worker
ingesting mail and an agent clicking in the browser cannot interleave on one thread.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts import audit, scoping
from accounts.models import User

from .metrics import hooks as metrics_hooks
from .models import Channel, Direction, Message, OutgoingState, Thread, ThreadStatus


class InvalidTransition(Exception):
    """The thread is not in a state that allows this change; the message says why."""


def lock(thread: Thread) -> Thread:
    """Reload `thread` with a row lock held until the transaction ends."""
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _responses(thread: Thread) -> list[Message]:
    """Replies that count as responses: email replies accepted for delivery, not rejected."""
    return list(
        thread.messages.filter(
            direction=Direction.OUTBOUND,
            channel=Channel.EMAIL,
            outgoing_state=OutgoingState.SENT,
            sent_at__isnull=False,
        ).order_by("sent_at", "id")
    )


def _set_status(thread: Thread, status: str, actor: User | None, at: datetime) -> None:
    if thread.status != status:
        thread.status = status
        thread.status_changed_at = at
        thread.status_changed_by = actor
        if status != ThreadStatus.NO_RESPONSE_NEEDED:
            thread.no_response_reason = ""


def _recompute(thread: Thread, actor: User | None, at: datetime) -> None:
    """Re-derive which buyer messages are answered, the clock and the status from the messages.

    Used after changes that can reach back in time (a bounce, an undone NRN mark); threads are
    short, so doing it from scratch is simpler than patching and cannot drift.
    """
    responses = _responses(thread)
    open_messages = []
    for message in thread.messages.filter(direction=Direction.INBOUND).order_by(
        "occurred_at", "id"
    ):
        answer = next((r for r in responses if r.sent_at >= message.occurred_at), None)
        if message.no_response_needed_at is not None:
            answer = None
        answered_at = answer.sent_at if answer else None
        if (message.answered_at, message.answered_by_id) != (answered_at, answer and answer.pk):
            message.answered_at = answered_at
            message.answered_by = answer
            message.save(update_fields=["answered_at", "answered_by"])
        if answer is None and message.no_response_needed_at is None:
            open_messages.append(message)
    thread.stop_clock()
    if open_messages:
        thread.start_clock(open_messages[0].occurred_at)
        if thread.status in (ThreadStatus.REPLIED, ThreadStatus.NO_RESPONSE_NEEDED):
            _set_status(thread, ThreadStatus.NEEDS_REPLY, actor, at)
    elif thread.status == ThreadStatus.NEEDS_REPLY and responses:
        _set_status(thread, ThreadStatus.REPLIED, actor, at)


def replies_by_thread(thread_ids: list[int]) -> dict[int, list[Message]]:
    """`_responses` of many threads in one query (for ingesting a batch of buyer mail)."""
    replies: dict[int, list[Message]] = {pk: [] for pk in thread_ids}
    for reply in Message.objects.filter(
        thread_id__in=thread_ids,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        outgoing_state=OutgoingState.SENT,
        sent_at__isnull=False,
    ).order_by("sent_at", "id"):
        replies[reply.thread_id].append(reply)
    return replies


def record_buyer_message(
    thread: Thread,
    message: Message,
    *,
    replies: list[Message] | None = None,
    save: bool = True,
) -> None:
    """Apply a newly stored buyer message to its (locked) thread.

    A message newer than every reply reopens the thread (replied, closed or NRN) and starts the
    clock if it is not already running. A backfilled message older than a reply already sent
    is answered by that reply and changes nothing else.

    A batch caller passes the thread's `replies` (from `replies_by_thread`) and `save=False`,
    then saves its threads once and calls `buyer_messages_recorded` once for the batch.
    """
    at = message.occurred_at
    responses = _responses(thread) if replies is None else replies
    answer = next((r for r in responses if r.sent_at >= at), None)
    if answer is not None:
        message.answered_at, message.answered_by = answer.sent_at, answer
        message.save(update_fields=["answered_at", "answered_by"])
    else:
        _set_status(thread, ThreadStatus.NEEDS_REPLY, None, at)
        thread.start_clock(at)
    if at >= thread.last_activity_at:
        thread.last_activity_at = at
        thread.snippet = " ".join(message.text.split())[:200]
    if save:
        thread.save()
        buyer_messages_recorded(thread.seller_account_id, [message])


def buyer_messages_recorded(seller_account_id: int, messages: list[Message]) -> None:
    """After buyer messages were recorded: mark their days for the response-time rollups."""
    metrics_hooks.buyer_messages_recorded(seller_account_id, [m.occurred_at for m in messages])


def record_reply_sent(message: Message, sent_at: datetime | None = None) -> None:
    """An outgoing email reply was accepted for delivery: it answers the earlier open messages."""
    thread = lock(message.thread)
    message.outgoing_state = OutgoingState.SENT
    message.sent_at = sent_at or timezone.now()
    message.save(update_fields=["outgoing_state", "sent_at"])
    if message.channel != Channel.EMAIL:
        return
    _recompute(thread, message.author, message.sent_at)
    thread.last_activity_at = max(thread.last_activity_at, message.sent_at)
    thread.save()
    metrics_hooks.thread_changed(thread)


def record_reply_rejected(message: Message, reason: str) -> None:
    """Amazon refused to deliver a reply: it answers nothing, and the thread needs a reply."""
    thread = lock(message.thread)
    message.outgoing_state = OutgoingState.REJECTED
    message.rejection_reason = reason
    message.save(update_fields=["outgoing_state", "rejection_reason"])
    now = timezone.now()
    _recompute(thread, None, now)
    if thread.clock_started_at is not None and thread.status == ThreadStatus.CLOSED:
        _set_status(thread, ThreadStatus.NEEDS_REPLY, None, now)
    thread.save()
    metrics_hooks.thread_changed(thread)


@transaction.atomic
def mark_no_response_needed(thread: Thread, actor: User, reason: str = "") -> Thread:
    """Take the thread's unanswered buyer messages out of the measure and out of the queue."""
    thread = lock(thread)
    if thread.status == ThreadStatus.NO_RESPONSE_NEEDED:
        raise InvalidTransition("This thread is already marked No Response Needed.")
    now = timezone.now()
    thread.messages.filter(
        direction=Direction.INBOUND, answered_at__isnull=True, no_response_needed_at__isnull=True
    ).update(no_response_needed_at=now)
    _set_status(thread, ThreadStatus.NO_RESPONSE_NEEDED, actor, now)
    thread.no_response_reason = reason[:200]
    thread.stop_clock()
    thread.save()
    metrics_hooks.no_response_needed_marked(thread, actor, now)
    audit.record(
        actor,
        "thread.no_response_needed",
        seller_account=thread.seller_account_id,
        target=thread,
        data={"reason": thread.no_response_reason},
    )
    return thread


@transaction.atomic
def undo_no_response_needed(thread: Thread, actor: User) -> Thread:
    """Put back the messages the last NRN mark removed; the clock resumes from the oldest."""
    thread = lock(thread)
    if thread.status != ThreadStatus.NO_RESPONSE_NEEDED:
        raise InvalidTransition("This thread is not marked No Response Needed.")
    marked_at = thread.status_changed_at
    thread.messages.filter(
        direction=Direction.INBOUND, no_response_needed_at__gte=marked_at
    ).update(no_response_needed_at=None)
    now = timezone.now()
    _set_status(thread, ThreadStatus.NEEDS_REPLY, actor, now)
    _recompute(thread, actor, now)
    if thread.clock_started_at is None and _responses(thread):
        _set_status(thread, ThreadStatus.REPLIED, actor, now)
    thread.save()
    metrics_hooks.no_response_needed_undone(thread, marked_at)
    audit.record(
        actor,
        "thread.no_response_needed_undone",
        seller_account=thread.seller_account_id,
        target=thread,
    )
    return thread


@transaction.atomic
def close_thread(thread: Thread, actor: User) -> Thread:
    """Take the thread out of the queue. Closing answers nothing: unanswered buyer messages
    still count against the seller at Amazon, so the clock keeps running."""
    thread = lock(thread)
    if thread.status == ThreadStatus.CLOSED:
        raise InvalidTransition("This thread is already closed.")
    _set_status(thread, ThreadStatus.CLOSED, actor, timezone.now())
    thread.save()
    audit.record(actor, "thread.closed", seller_account=thread.seller_account_id, target=thread)
    return thread


@transaction.atomic
def reopen_thread(thread: Thread, actor: User) -> Thread:
    """Put a closed thread back in the queue, as needing a reply."""
    thread = lock(thread)
    if thread.status != ThreadStatus.CLOSED:
        raise InvalidTransition("Only a closed thread can be reopened.")
    _set_status(thread, ThreadStatus.NEEDS_REPLY, actor, timezone.now())
    thread.save()
    audit.record(actor, "thread.reopened", seller_account=thread.seller_account_id, target=thread)
    return thread


@transaction.atomic
def assign(thread: Thread, actor: User, assignee: User | None) -> Thread:
    """Assign the thread to `assignee` (a member who may reply), or unassign it with None."""
    thread = lock(thread)
    if assignee is not None and not scoping.can(
        assignee, thread.seller_account_id, scoping.Action.REPLY
    ):
        raise InvalidTransition(f"{assignee} cannot answer this seller account's buyers.")
    previous = thread.assignee_id
    thread.assignee = assignee
    thread.save(update_fields=["assignee"])
    metrics_hooks.thread_changed(thread)
    audit.record(
        actor,
        "thread.assigned",
        seller_account=thread.seller_account_id,
        target=thread,
        data={"from": previous, "to": assignee.pk if assignee else None},
    )
    return thread


@transaction.atomic
def return_threads_to_queue(seller_account_id: int, assignee: User, actor: User) -> int:
    """Unassign every thread of the account assigned to `assignee` (someone leaving the team).

    Returns how many threads went back to the queue; one audit event records them all.
    """
    threads = Thread.objects.select_for_update().filter(
        seller_account_id=seller_account_id, assignee=assignee
    )
    ids = sorted(threads.values_list("pk", flat=True))
    if not ids:
        return 0
    Thread.objects.filter(pk__in=ids).update(assignee=None)
    audit.record(
        actor,
        "thread.returned_to_queue",
        seller_account=seller_account_id,
        data={"from": assignee.pk, "threads": ids[:500], "count": len(ids)},
    )
    return len(ids)
