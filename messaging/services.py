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

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.models import User

from . import reply_check, selectors
from .metrics import hooks as metrics_hooks
from .models import (
    Attachment,
    Channel,
    Direction,
    Message,
    OutgoingState,
    ReplyDraft,
    ReplyTemplate,
    Tag,
    Thread,
    ThreadReadState,
    ThreadStatus,
)

logger = logging.getLogger(__name__)


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


# --- The inbox: read state, drafts, tags, bulk actions, replies ------------------------------


class ReplyRefused(Exception):
    """The reply was not queued; `reason` says why, `findings` lists compliance findings."""

    def __init__(self, reason: str, findings: list | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.findings = findings or []


def mark_thread_read(thread: Thread, user: User, at: datetime | None = None) -> None:
    """Remember that `user` has seen the thread as it is now (not audited: it changes nothing)."""
    # One upsert: opening a thread is the commonest request of all.
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(thread=thread, user=user, read_at=at or timezone.now())],
        update_conflicts=True,
        unique_fields=["thread", "user"],
        update_fields=["read_at"],
    )


def save_draft(thread: Thread, user: User, body: str) -> None:
    """Keep the reply `user` is writing on `thread`; an empty body removes the draft."""
    if body.strip():
        ReplyDraft.objects.update_or_create(thread=thread, user=user, defaults={"body": body})
    else:
        ReplyDraft.objects.filter(thread=thread, user=user).delete()


@transaction.atomic
def find_or_create_tag(seller_account_id: int, name: str, actor: User) -> Tag:
    """The account's tag called `name` (any case), created if it does not exist yet."""
    name = " ".join(name.split())[:50]
    if not name:
        raise InvalidTransition("A tag needs a name.")
    tag = Tag.objects.filter(seller_account_id=seller_account_id, name__iexact=name).first()
    if tag is None:
        tag = Tag.objects.create(seller_account_id=seller_account_id, name=name)
        audit.record(actor, "tag.created", seller_account=seller_account_id, target=tag)
    return tag


@transaction.atomic
def tag_thread(thread: Thread, actor: User, tag: Tag) -> Thread:
    if tag.seller_account_id != thread.seller_account_id:
        raise InvalidTransition("That tag belongs to another seller account.")
    thread = lock(thread)
    thread.tags.add(tag)
    audit.record(
        actor, "thread.tagged", seller_account=thread.seller_account_id, target=thread,
        data={"tag": tag.name},
    )  # fmt: skip
    return thread


@transaction.atomic
def untag_thread(thread: Thread, actor: User, tag: Tag) -> Thread:
    thread = lock(thread)
    thread.tags.remove(tag)
    audit.record(
        actor, "thread.untagged", seller_account=thread.seller_account_id, target=thread,
        data={"tag": tag.name},
    )  # fmt: skip
    return thread


@dataclass
class BulkResult:
    changed: int = 0
    skipped: list[str] = field(default_factory=list)  # why some threads were left alone


@transaction.atomic
def bulk_apply(threads: list[Thread], actor: User, action, *args: object) -> BulkResult:
    """Apply one thread action to many threads in one transaction; threads in a state that
    does not allow it (already closed, already NRN) are skipped and reported, not fatal."""
    result = BulkResult()
    for thread in threads:
        try:
            action(thread, actor, *args)
        except InvalidTransition as refused:
            result.skipped.append(f"{thread}: {refused}")
        else:
            result.changed += 1
    return result


def bulk_mark_no_response_needed(threads: list[Thread], actor: User, reason: str) -> BulkResult:
    return bulk_apply(threads, actor, mark_no_response_needed, reason)


def bulk_close(threads: list[Thread], actor: User) -> BulkResult:
    return bulk_apply(threads, actor, close_thread)


def bulk_assign(threads: list[Thread], actor: User, assignee: User | None) -> BulkResult:
    return bulk_apply(threads, actor, assign, assignee)


@transaction.atomic
def bulk_tag(threads: list[Thread], actor: User, tag_name: str) -> BulkResult:
    """Tag every thread with `tag_name`, creating the tag in each thread's account if needed."""
    tags: dict[int, Tag] = {}
    for thread in threads:
        if thread.seller_account_id not in tags:
            tags[thread.seller_account_id] = find_or_create_tag(
                thread.seller_account_id, tag_name, actor
            )
    return bulk_apply(
        threads, actor, lambda thread, who: tag_thread(thread, who, tags[thread.seller_account_id])
    )


def _reply_subject(thread: Thread, last: Message | None) -> str:
    subject = (last.subject if last else "") or thread.subject
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


@transaction.atomic
def queue_reply(
    thread: Thread,
    author: User,
    text: str,
    attachments: list[UploadedFile] | None = None,
    *,
    confirmation: str = "",
) -> Message:
    """Write the reply to the outbox (state queued) in this transaction; a worker sends it
    after commit. Refuses (ReplyRefused) when the compliance check blocks, when it warns and
    `confirmation` does not name exactly these warnings (the composer's "I have read the
    warnings"), or when the seller account has no mailbox to send from."""
    attachments = attachments or []
    text = text.strip()
    if not text:
        raise ReplyRefused("A reply needs some text.")
    if not thread.buyer_alias:
        raise ReplyRefused(_("This buyer has not written yet: use a proactive message."))
    thread = lock(thread)
    findings = reply_check.check_reply(
        thread,
        text,
        [
            reply_check.DraftAttachment(f.name, f.size, guess_content_type(f.name))
            for f in attachments
        ],
    )
    if reply_check.blocking(findings):
        raise ReplyRefused("The compliance check found problems that block sending.", findings)
    if not reply_check.warnings_confirmed(findings, confirmation):
        raise ReplyRefused(_("Confirm that you have read the warnings, then send again."), findings)
    mailbox = selectors.reply_mailbox(thread)
    if mailbox is None:
        raise ReplyRefused("This seller account has no mailbox to send replies from.")
    last = (
        thread.messages.filter(direction=Direction.INBOUND).exclude(message_id="")
        .order_by("-occurred_at", "-id").first()
    )  # fmt: skip
    references = f"{last.references} <{last.message_id}>".strip() if last else ""
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        mailbox=mailbox,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        message_id=make_msgid(domain=mailbox.email_address.rpartition("@")[2])[1:-1],
        in_reply_to=last.message_id if last else "",
        references=references[-2000:],
        from_address=mailbox.email_address,
        to_address=thread.buyer_alias,
        subject=_reply_subject(thread, last),
        text=text,
        language=thread.language,
        occurred_at=now,
        author=author,
        outgoing_state=OutgoingState.QUEUED,
    )
    for upload in attachments:
        store_attachment(message, upload)
    ReplyDraft.objects.filter(thread=thread, user=author).delete()
    if findings:
        reply_check.record_sent_with_warnings(thread, author.pk, findings)
    mark_thread_read(thread, author, now)
    audit.record(
        author, "thread.reply_sent", seller_account=thread.seller_account_id, target=message,
        data={"thread": thread.pk, "attachments": len(attachments)},
    )  # fmt: skip
    transaction.on_commit(partial(enqueue_send, message.pk))
    return message


def guess_content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def store_attachment(message: Message, upload: UploadedFile) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        message=message,
        filename=upload.name[:255],
        size=upload.size,
        content_type=guess_content_type(upload.name),
        sha256=digest.hexdigest(),
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def enqueue_send(message_id: int) -> None:
    """Hand a queued reply to a worker. If the broker is down the reply stays queued and the
    outbox recovery task hands it over later: it is never lost."""
    from .tasks import send_reply

    try:
        send_reply.delay(message_id)
    except Exception:
        logger.exception("Could not enqueue reply %s; the outbox recovery will retry", message_id)


@transaction.atomic
def retry_reply(message: Message, actor: User) -> Message:
    """An agent sends a failed reply again (a human decision; workers never resend one)."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.outgoing_state not in (OutgoingState.FAILED, OutgoingState.NEEDS_CHECK):
        raise InvalidTransition("Only a failed reply or one that needs checking can be resent.")
    previous = message.outgoing_state
    message.outgoing_state = OutgoingState.QUEUED
    message.send_attempts = 0
    message.save(update_fields=["outgoing_state", "send_attempts"])
    audit.record(
        actor, "reply.resent", seller_account=message.thread.seller_account_id, target=message,
        data={"from": previous},
    )  # fmt: skip
    transaction.on_commit(partial(enqueue_send, message.pk))
    return message


@transaction.atomic
def confirm_reply_delivered(message: Message, actor: User) -> Message:
    """An agent checked a reply that needs checking and found it in the Sent folder."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.outgoing_state != OutgoingState.NEEDS_CHECK:
        raise InvalidTransition("Only a reply that needs checking can be confirmed as sent.")
    record_reply_sent(message, message.send_started_at or timezone.now())
    audit.record(
        actor, "reply.confirmed_sent", seller_account=message.thread.seller_account_id,
        target=message,
    )  # fmt: skip
    return message


class TemplateRefused(Exception):
    """A reply template was not saved: the compliance check blocks its text."""

    def __init__(self, findings: list) -> None:
        super().__init__("The compliance check found problems that block this template.")
        self.findings = findings


@transaction.atomic
def save_reply_template(
    template: ReplyTemplate, actor: User, *, name: str, language: str, body: str
) -> ReplyTemplate:
    """Save the template unless the compliance check blocks its text (TemplateRefused);
    warnings are recorded and the template is saved."""
    findings = reply_check.check_template(body, language)
    if reply_check.blocking(findings):
        raise TemplateRefused(findings)
    created = template.pk is None
    template.name, template.language, template.body = name, language, body
    if created:
        template.created_by = actor
    template.save()
    audit.record(
        actor, "reply_template.created" if created else "reply_template.changed",
        seller_account=template.seller_account_id, target=template,
    )  # fmt: skip
    if findings:
        reply_check.record_template(
            template.seller_account_id, actor.pk, template.pk, findings, refused=False
        )
    return template


@transaction.atomic
def delete_reply_template(template: ReplyTemplate, actor: User) -> None:
    audit.record(
        actor, "reply_template.deleted", seller_account=template.seller_account_id,
        target=template, data={"name": template.name, "language": template.language},
    )  # fmt: skip
    template.delete()
