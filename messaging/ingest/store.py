"""Storing a batch of fetched mail idempotently, in one transaction with its checkpoint.

Buyer messages are threaded (same alias and order -> same thread; In-Reply-To/References win
when they point at a thread of the same buyer) and handed to `services.record_buyer_message`;
delivery failures are matched to the reply they reject and handed to `record_reply_rejected`;
other mail becomes a system notice; unreadable mail goes to the quarantine with its raw bytes.
Deduplication is by Message-ID per mailbox (quarantine: by checksum), so fetching the same
mail twice stores it once. About a dozen queries per batch, whatever its size (plus a few per
delivery failure, which are rare).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.parser import BytesHeaderParser

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import services
from ..models import (
    Mailbox,
    MailboxSync,
    MaildirSeenKey,
    Message,
    NoticeKind,
    OutgoingState,
    QuarantinedMail,
    SystemNotice,
    quarantine_path,
)
from . import addresses, bounces
from .decode import decode_header_value
from .sources import Checkpoint
from .threads import attachment_path_for, clean, occurred_at, store_buyer_messages
from .types import MailKind, ParsedMail, RawMail, UnparseableMail

log = logging.getLogger(__name__)

Item = tuple[RawMail, ParsedMail | UnparseableMail]
# A pull holds its mailbox this long past its last committed batch; a killed worker's claim
# lapses after it and the next pull continues from the last checkpoint.
CLAIM_LEASE = timedelta(minutes=2)


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
            outcome.buyer_messages += len(buyer)
            outcome.thread_ids |= store_buyer_messages(mailbox, buyer)
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


def quarantine_path_for(sha256: str) -> str:
    return quarantine_path(QuarantinedMail(sha256=sha256), "")


# --- notices and delivery failures ------------------------------------------------------------


def _store_notices(
    mailbox: Mailbox, items: list[tuple[RawMail, ParsedMail]], outcome: BatchOutcome
) -> None:
    now = timezone.now()
    notices = []
    for raw, mail in items:
        at = occurred_at(raw, mail, now)
        notice = SystemNotice(
            seller_account_id=mailbox.seller_account_id,
            mailbox=mailbox,
            kind=NoticeKind.DELIVERY_FAILURE
            if mail.kind == MailKind.DELIVERY_FAILURE
            else NoticeKind.SYSTEM_NOTICE,
            message_id=mail.message_id,
            from_address=mail.from_address[:254],
            from_amazon=addresses.is_amazon_sender(mail.from_address),
            subject=clean(mail.subject),
            text=clean(mail.text),
            notification_type=mail.notification_type[:64],
            amazon_order_id=mail.order_id,
            received_at=at,
        )
        if mail.delivery_failure is not None:
            notice.reason = clean(mail.delivery_failure.reason)
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
                error=clean(str(error)) or "unreadable",
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
            clean(decode_header_value(headers.get("From", ""))),
            clean(decode_header_value(headers.get("Subject", ""))),
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
