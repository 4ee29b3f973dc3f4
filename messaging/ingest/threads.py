"""Buyer messages into threads: the same buyer alias and order share a thread, and
In-Reply-To/References win when they point at a thread of the same buyer. Each message goes
through `services.record_buyer_message` (reopen, 24-hour clock); threads are saved once per batch.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from orders.models import Order

from .. import services
from ..models import Attachment, Channel, Direction, Mailbox, Message, Thread, attachment_path
from .types import ParsedMail, RawMail

FUTURE_TOLERANCE = timedelta(minutes=5)

# What record_buyer_message changes on a thread (saved once per batch), with SQL types.
THREAD_FIELDS = (
    ("status", "varchar"),
    ("status_changed_at", "timestamptz"),
    ("status_changed_by_id", "bigint"),
    ("no_response_reason", "varchar"),
    ("clock_started_at", "timestamptz"),
    ("response_deadline", "timestamptz"),
    ("last_activity_at", "timestamptz"),
    ("snippet", "varchar"),
    ("buyer_name", "varchar"),
)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """PostgreSQL text holds no NUL characters and no lone surrogates (UTF-7 can make them);
    hostile mail sometimes has both."""
    if not text:
        return ""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def occurred_at(raw: RawMail, mail: ParsedMail, now: datetime) -> datetime:
    when = mail.date or raw.received_at or now
    return min(when, now + FUTURE_TOLERANCE) if when > now else when


def attachment_path_for(sha256: str) -> str:
    return attachment_path(Attachment(sha256=sha256), "")


def store_buyer_messages(mailbox: Mailbox, items: list[tuple[RawMail, ParsedMail]]) -> set[int]:
    """Thread and save buyer messages (the caller holds the transaction); returns the ids of
    the threads they went to."""
    account_id = mailbox.seller_account_id
    now = timezone.now()
    items = sorted(items, key=lambda item: occurred_at(item[0], item[1], now))
    refs = {r for _, mail in items for r in (mail.in_reply_to, *mail.references) if r}
    referenced: dict[str, int] = {}
    if refs:
        referenced = dict(
            Message.objects.filter(
                thread__seller_account_id=account_id, message_id__in=refs
            ).values_list("message_id", "thread_id")
        )
    aliases = {mail.buyer_alias for _, mail in items}
    orders = {mail.order_id for _, mail in items}
    threads = {
        thread.pk: thread
        for thread in Thread.objects.select_for_update().filter(
            Q(pk__in=set(referenced.values()))
            | Q(seller_account_id=account_id, buyer_alias__in=aliases, amazon_order_id__in=orders)
        )
    }
    by_key = {(t.buyer_alias, t.amazon_order_id): t for t in threads.values()}
    by_ref = {ref: threads[pk] for ref, pk in referenced.items() if pk in threads}
    new_threads: dict[tuple[str, str], Thread] = {}
    chosen: list[Thread] = []
    for raw, mail in items:
        thread = _referenced_thread(mail, by_ref)
        key = (mail.buyer_alias, mail.order_id)
        if thread is None:
            thread = by_key.get(key) or new_threads.get(key)
        if thread is None:
            thread = Thread(
                seller_account_id=account_id,
                marketplace_id=mail.marketplace_id or None,
                buyer_alias=mail.buyer_alias,
                buyer_name=clean(mail.buyer_name),
                amazon_order_id=mail.order_id,
                subject=clean(mail.subject),
                language=mail.language,
                last_activity_at=occurred_at(raw, mail, now),
            )
            new_threads[key] = thread
        elif not thread.buyer_name and mail.buyer_name:
            thread.buyer_name = clean(mail.buyer_name)
        chosen.append(thread)
        by_ref[mail.message_id] = thread  # later mail in this batch may reply to this one
    if new_threads:
        _link_orders(account_id, list(new_threads.values()))
        Thread.objects.bulk_create(new_threads.values())
    messages = [
        _message(mailbox, raw, mail, thread, now)
        for (raw, mail), thread in zip(items, chosen, strict=True)
    ]
    Message.objects.bulk_create(messages)
    attachments = [
        Attachment(
            message=message,
            file=attachment_path_for(a.sha256) if a.content is not None else "",
            filename=clean(a.filename) or "attachment",
            size=a.size,
            content_type=a.content_type,
            sha256=a.sha256,
            is_inline=a.is_inline,
            skipped_reason=a.skipped_reason,
        )
        for (_, mail), message in zip(items, messages, strict=True)
        for a in mail.attachments
    ]
    if attachments:
        Attachment.objects.bulk_create(attachments)
    replies = services.replies_by_thread([t.pk for t in threads.values()])
    for thread, message in zip(chosen, messages, strict=True):
        services.record_buyer_message(
            thread, message, replies=replies.get(thread.pk, []), save=False
        )
    _save_threads(list({t.pk: t for t in chosen}.values()))
    services.buyer_messages_recorded(account_id, messages)
    return {thread.pk for thread in chosen}


def _save_threads(threads: list[Thread]) -> None:
    """One UPDATE ... FROM (VALUES ...) for every thread of the batch: Django's bulk_update
    builds a CASE per field and row, which costs more than the rest of the batch together."""
    if not threads:
        return
    columns = ", ".join(name for name, _ in THREAD_FIELDS)
    row = "(%s::bigint, " + ", ".join(f"%s::{sql_type}" for _, sql_type in THREAD_FIELDS) + ")"
    assignments = ", ".join(f"{name} = v.{name}" for name, _ in THREAD_FIELDS)
    table = Thread._meta.db_table
    sql = (
        f"UPDATE {table} AS t SET {assignments} FROM (VALUES "  # noqa: S608 - names are ours
        + ", ".join([row] * len(threads))
        + f") AS v(id, {columns}) WHERE t.id = v.id"
    )
    params: list = []
    for thread in threads:
        params.append(thread.pk)
        params.extend(getattr(thread, name) for name, _ in THREAD_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _referenced_thread(mail: ParsedMail, by_ref: dict[str, Thread]) -> Thread | None:
    """The thread In-Reply-To/References point at, if it is this buyer's and order-compatible."""
    for ref in (mail.in_reply_to, *reversed(mail.references)):
        thread = by_ref.get(ref)
        if thread is None or thread.buyer_alias != mail.buyer_alias:
            continue
        if mail.order_id and thread.amazon_order_id not in ("", mail.order_id):
            continue
        return thread
    return None


def _link_orders(account_id: int, threads: list[Thread]) -> None:
    wanted = {t.amazon_order_id for t in threads if t.amazon_order_id}
    if not wanted:
        return
    known = dict(
        Order.objects.filter(seller_account_id=account_id, amazon_order_id__in=wanted).values_list(
            "amazon_order_id", "pk"
        )
    )
    for thread in threads:
        thread.order_id = known.get(thread.amazon_order_id)


def _message(
    mailbox: Mailbox, raw: RawMail, mail: ParsedMail, thread: Thread, now: datetime
) -> Message:
    return Message(
        thread=thread,
        mailbox=mailbox,
        direction=Direction.INBOUND,
        channel=Channel.EMAIL,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        from_address=mail.from_address[:254],
        to_address=mail.to_address[:254],
        subject=clean(mail.subject),
        text=clean(mail.text),
        html=clean(mail.html),
        language=mail.language,
        occurred_at=occurred_at(raw, mail, now),
        received_at=raw.received_at or now,
    )
