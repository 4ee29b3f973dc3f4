"""Storing a batch of fetched mail idempotently, in one transaction with its checkpoint.

Buyer messages are threaded (same alias and order -> same thread; In-Reply-To/References win
when they point at a thread of the same buyer) and handed to `services.record_buyer_message`;
delivery failures are matched to the reply they reject and handed to `record_reply_rejected`;
other mail becomes a system notice; unreadable mail goes to the quarantine with its raw bytes.
Deduplication is by Message-ID per mailbox (quarantine: by checksum), so fetching the same
mail twice stores it once. Query count per batch: a dozen, plus two per buyer message.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from orders.models import Order

from .. import services
from ..models import (
    Attachment,
    Channel,
    Direction,
    Mailbox,
    MailboxSync,
    MaildirSeenKey,
    Message,
    NoticeKind,
    OutgoingState,
    QuarantinedMail,
    SystemNotice,
    Thread,
    attachment_path,
    quarantine_path,
)
from . import addresses, bounces
from .decode import decode_header_value
from .sources import Checkpoint
from .types import MailKind, ParsedMail, RawMail, UnparseableMail

log = logging.getLogger(__name__)

Item = tuple[RawMail, ParsedMail | UnparseableMail]
FUTURE_TOLERANCE = timedelta(minutes=5)
# A pull holds its mailbox this long past its last committed batch; a killed worker's claim
# lapses after it and the next pull continues from the last checkpoint.
CLAIM_LEASE = timedelta(minutes=2)


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


class LostClaim(Exception):
    """Another worker took this mailbox over (our lease lapsed): this batch must not commit."""


@dataclass
class BatchOutcome:
    buyer_messages: int = 0
    notices: int = 0
    rejections: int = 0
    duplicates: int = 0
    quarantined: int = 0
    thread_ids: set[int] = field(default_factory=set)

    @property
    def processed(self) -> int:
        return self.buyer_messages + self.notices + self.duplicates + self.quarantined


def store_batch(
    mailbox: Mailbox,
    items: list[Item],
    checkpoint: Checkpoint | None,
    sync_id: int | None = None,
    lease_token: str = "",
) -> BatchOutcome:
    """Store `items` and commit `checkpoint` with them, all or nothing.

    Files (attachments, quarantined .eml) are written first under their checksum: a crash
    before the commit leaves at most an unreferenced file, never a row without its file.
    """
    outcome = BatchOutcome()
    fresh = _without_duplicates(mailbox, items, outcome)
    _write_files(fresh)
    with transaction.atomic():
        buyer = [(raw, mail) for raw, mail in fresh if _kind(mail) == MailKind.BUYER_MESSAGE]
        others = [(raw, mail) for raw, mail in fresh if _kind(mail) in _NOTICE_KINDS]
        broken = [(raw, mail) for raw, mail in fresh if isinstance(mail, UnparseableMail)]
        if buyer:
            _store_buyer_messages(mailbox, buyer, outcome)
        if others:
            _store_notices(mailbox, others, outcome)
        if broken:
            _store_quarantine(mailbox, broken, outcome)
        _commit_checkpoint(mailbox, checkpoint, lease_token)
        if sync_id is not None:
            MailboxSync.objects.filter(pk=sync_id).update(
                processed=F("processed") + len(items),
                buyer_messages=F("buyer_messages") + outcome.buyer_messages,
                notices=F("notices") + outcome.notices,
                rejections=F("rejections") + outcome.rejections,
                duplicates=F("duplicates") + outcome.duplicates,
                quarantined=F("quarantined") + outcome.quarantined,
                heartbeat_at=timezone.now(),
            )
    return outcome


_NOTICE_KINDS = (MailKind.SYSTEM_NOTICE, MailKind.DELIVERY_FAILURE)


def _kind(mail: ParsedMail | UnparseableMail) -> MailKind | None:
    return mail.kind if isinstance(mail, ParsedMail) else None


def _without_duplicates(mailbox: Mailbox, items: list[Item], outcome: BatchOutcome) -> list[Item]:
    """Drop mail this mailbox already holds (or that appears twice in the batch)."""
    ids = [mail.message_id for _, mail in items if isinstance(mail, ParsedMail)]
    shas = [_sha(raw) for raw, mail in items if isinstance(mail, UnparseableMail)]
    known: set[str] = set()
    if ids:
        known.update(
            Message.objects.filter(mailbox=mailbox, message_id__in=ids).values_list(
                "message_id", flat=True
            )
        )
        known.update(
            SystemNotice.objects.filter(mailbox=mailbox, message_id__in=ids).values_list(
                "message_id", flat=True
            )
        )
    if shas:
        known.update(
            QuarantinedMail.objects.filter(mailbox=mailbox, sha256__in=shas).values_list(
                "sha256", flat=True
            )
        )
    fresh = []
    for raw, mail in items:
        key = mail.message_id if isinstance(mail, ParsedMail) else _sha(raw)
        if key in known:
            outcome.duplicates += 1
            continue
        known.add(key)
        fresh.append((raw, mail))
    return fresh


def _sha(raw: RawMail) -> str:
    return hashlib.sha256(raw.data).hexdigest()


def _save_file(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def _write_files(items: list[Item]) -> None:
    for raw, mail in items:
        if isinstance(mail, ParsedMail) and mail.kind == MailKind.BUYER_MESSAGE:
            for attachment in mail.attachments:
                if attachment.content is not None:
                    _save_file(attachment_path_for(attachment.sha256), attachment.content)
        elif isinstance(mail, UnparseableMail):
            _save_file(quarantine_path_for(_sha(raw)), raw.data)


def attachment_path_for(sha256: str) -> str:
    return attachment_path(Attachment(sha256=sha256), "")


def quarantine_path_for(sha256: str) -> str:
    return quarantine_path(QuarantinedMail(sha256=sha256), "")


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> str:
    """PostgreSQL text holds no NUL characters and no lone surrogates (UTF-7 can make them);
    hostile mail sometimes has both."""
    if not text:
        return ""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def _occurred_at(raw: RawMail, mail: ParsedMail, now: datetime) -> datetime:
    when = mail.date or raw.received_at or now
    return min(when, now + FUTURE_TOLERANCE) if when > now else when


# --- buyer messages ---------------------------------------------------------------------------


def _store_buyer_messages(
    mailbox: Mailbox, items: list[tuple[RawMail, ParsedMail]], outcome: BatchOutcome
) -> None:
    account_id = mailbox.seller_account_id
    now = timezone.now()
    items = sorted(items, key=lambda item: _occurred_at(item[0], item[1], now))
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
                buyer_name=_clean(mail.buyer_name),
                amazon_order_id=mail.order_id,
                subject=_clean(mail.subject),
                language=mail.language,
                last_activity_at=_occurred_at(raw, mail, now),
            )
            new_threads[key] = thread
        elif not thread.buyer_name and mail.buyer_name:
            thread.buyer_name = _clean(mail.buyer_name)
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
            filename=_clean(a.filename) or "attachment",
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
        outcome.thread_ids.add(thread.pk)
    _save_threads(list({t.pk: t for t in chosen}.values()))
    outcome.buyer_messages += len(messages)


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
        subject=_clean(mail.subject),
        text=_clean(mail.text),
        html=_clean(mail.html),
        language=mail.language,
        occurred_at=_occurred_at(raw, mail, now),
        received_at=raw.received_at or now,
    )


# --- notices and delivery failures ------------------------------------------------------------


def _store_notices(
    mailbox: Mailbox, items: list[tuple[RawMail, ParsedMail]], outcome: BatchOutcome
) -> None:
    now = timezone.now()
    notices = []
    for raw, mail in items:
        at = _occurred_at(raw, mail, now)
        notice = SystemNotice(
            seller_account_id=mailbox.seller_account_id,
            mailbox=mailbox,
            kind=NoticeKind.DELIVERY_FAILURE
            if mail.kind == MailKind.DELIVERY_FAILURE
            else NoticeKind.SYSTEM_NOTICE,
            message_id=mail.message_id,
            from_address=mail.from_address[:254],
            from_amazon=addresses.is_amazon_sender(mail.from_address),
            subject=_clean(mail.subject),
            text=_clean(mail.text),
            notification_type=mail.notification_type[:64],
            amazon_order_id=mail.order_id,
            received_at=at,
        )
        if mail.delivery_failure is not None:
            notice.reason = _clean(mail.delivery_failure.reason)
            rejected = bounces.find_rejected_reply(mailbox.seller_account_id, mail, at)
            if rejected is not None:
                notice.rejected_message = rejected
                if rejected.outgoing_state != OutgoingState.REJECTED:
                    services.record_reply_rejected(rejected, notice.reason)
                    outcome.rejections += 1
        notices.append(notice)
    SystemNotice.objects.bulk_create(notices)
    outcome.notices += len(notices)


# --- quarantine -------------------------------------------------------------------------------


def _store_quarantine(
    mailbox: Mailbox, items: list[tuple[RawMail, UnparseableMail]], outcome: BatchOutcome
) -> None:
    now = timezone.now()
    rows = []
    for raw, error in items:
        sha = _sha(raw)
        from_address, subject = _peek_headers(raw.data)
        rows.append(
            QuarantinedMail(
                mailbox=mailbox,
                source_ref=raw.ref[:255],
                raw=quarantine_path_for(sha),
                sha256=sha,
                size=len(raw.data),
                from_address=from_address[:254],
                subject=subject,
                error=_clean(str(error)) or "unreadable",
                last_attempt_at=now,
            )
        )
    QuarantinedMail.objects.bulk_create(rows)
    outcome.quarantined += len(rows)


def _peek_headers(data: bytes) -> tuple[str, str]:
    """From and Subject for the quarantine list, if the bytes have any."""
    try:
        headers = BytesHeaderParser().parsebytes(data[:65536])
        return (
            _clean(decode_header_value(headers.get("From", ""))),
            _clean(decode_header_value(headers.get("Subject", ""))),
        )
    except Exception:
        return "", ""


# --- checkpoints ------------------------------------------------------------------------------


def _commit_checkpoint(mailbox: Mailbox, checkpoint: Checkpoint | None, lease_token: str) -> None:
    if lease_token:
        renewed = Mailbox.objects.filter(pk=mailbox.pk, sync_claim_token=lease_token).update(
            sync_claimed_until=timezone.now() + CLAIM_LEASE
        )
        if not renewed:
            raise LostClaim(f"mailbox {mailbox.pk} was claimed by another worker")
    if checkpoint is None:
        return
    if checkpoint.maildir_keys:
        MaildirSeenKey.objects.bulk_create(
            [MaildirSeenKey(mailbox=mailbox, key=key[:255]) for key in checkpoint.maildir_keys],
            ignore_conflicts=True,
        )
    if checkpoint.last_uid is not None:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            uidvalidity=checkpoint.uidvalidity, last_uid=checkpoint.last_uid
        )
        mailbox.uidvalidity, mailbox.last_uid = checkpoint.uidvalidity, checkpoint.last_uid
