"""Values that cross the ingest stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum


class MailKind(StrEnum):
    BUYER_MESSAGE = "buyer_message"  # relayed by Amazon from a buyer's alias
    DELIVERY_FAILURE = "delivery_failure"  # Amazon or a mail server refused one of our messages
    SYSTEM_NOTICE = "system_notice"  # anything else: order, shipping, policy mail


class UnparseableMail(Exception):
    """The bytes are not a mail we can read; the message says why. The raw mail is kept."""


@dataclass(frozen=True)
class RawMail:
    """One message as fetched: its bytes and where it came from."""

    ref: str  # IMAP UID or Maildir key, unique within the mailbox
    data: bytes
    received_at: datetime | None = None  # IMAP INTERNALDATE or the Maildir file's time
    too_large: bool = False  # only the headers were fetched: the message is over the size cap


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    is_inline: bool
    content: bytes | None = field(repr=False)  # None when skipped
    skipped_reason: str = ""

    def summary(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "is_inline": self.is_inline,
            "skipped_reason": self.skipped_reason,
        }


@dataclass(frozen=True)
class DeliveryFailure:
    """What a bounce says about the message it rejects."""

    reason: str  # Amazon's (or the mail server's) own words, shown in the thread
    original_message_id: str = ""
    recipient: str = ""  # the buyer alias the rejected message was sent to
    original_subject: str = ""


@dataclass(frozen=True)
class ParsedMail:
    kind: MailKind
    message_id: str  # without angle brackets; a content hash when the mail has none
    sha256: str  # of the raw bytes
    subject: str
    from_address: str
    from_name: str
    to_address: str
    date: datetime | None
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    order_id: str = ""
    buyer_alias: str = ""  # stable alias (token@marketplace.amazon.tld), lower case
    buyer_name: str = ""
    marketplace_id: str = ""
    language: str = ""
    text: str = ""  # the buyer's own words: quoted history and Amazon boilerplate removed
    html: str = ""  # sanitised with nh3; empty when the mail had no HTML part
    notification_type: str = ""  # Amazon's X-Space-Notification-Type, when present
    attachments: tuple[ParsedAttachment, ...] = ()
    delivery_failure: DeliveryFailure | None = None
    defects: tuple[str, ...] = ()  # what was wrong with the mail but could be read anyway

    def as_json(self) -> dict:
        """A JSON-friendly summary (attachment bytes left out)."""
        data = asdict(self)
        data["kind"] = str(self.kind)
        data["date"] = self.date.isoformat() if self.date else None
        data["references"] = list(self.references)
        data["attachments"] = [a.summary() for a in self.attachments]
        data["defects"] = list(self.defects)
        return data
