"""Raw mail bytes in, a `ParsedMail` out. Pure: no database, no settings, no network.

`parse_mail` raises `UnparseableMail` only when the bytes are not a mail at all or when no
buyer alias can be found in what claims to be a buyer message; everything merely broken
(charsets, encodings, headers) is read as well as it can be and listed in `defects`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from . import addresses, classify
from .decode import decode_bytes, decode_header_value
from .language import detect_language, detect_languages
from .text import buyer_text, html_to_text, notice_text, sanitise_html
from .types import MailKind, ParsedAttachment, ParsedMail, UnparseableMail

DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_DEPTH = 30  # MIME nesting deeper than this is an attack, not a mail
MAX_PARTS = 500
MAX_TEXT = 200_000  # characters of body text kept
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,900})>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NOTIFICATION_TYPE_HEADER = "X-Space-Notification-Type"


@dataclass
class _Body:
    """What the MIME walk collects."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    report_fields: list[Message] = field(default_factory=list)  # message/delivery-status
    original_headers: Message | None = None  # the rejected message, in a bounce
    defects: list[str] = field(default_factory=list)
    parts: int = 0


def parse_mail(
    raw: bytes,
    *,
    received_at: datetime | None = None,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    detect: bool = True,
) -> ParsedMail:
    """Parse one raw mail. `received_at` (from the mailbox) stands in for a missing Date.

    With `detect=False` the language is left as the marketplace's default, for a caller that
    detects a whole batch at once (`with_languages`)."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        message = message_from_bytes(raw)
    except Exception as exc:  # the stdlib parser is lenient; this is truly broken input
        raise UnparseableMail(f"not a mail message ({type(exc).__name__}: {exc})") from exc
    if not any(_header(message, name) for name in ("From", "Subject", "Message-ID", "Date", "To")):
        raise UnparseableMail("no mail headers (From, To, Subject, Date or Message-ID) found")

    body = _Body(defects=[type(d).__name__ for d in message.defects])
    _walk(message, body, max_attachment_bytes, depth=0, in_report=False)

    from_name, from_address = _first_address(_headers(message, "From"))
    to_address = _first_address(_headers(message, "To"))[1]
    subject = _single_line(decode_header_value(_header(message, "Subject")))
    notification_type = decode_header_value(_header(message, NOTIFICATION_TYPE_HEADER))
    message_id = _message_id(_header(message, "Message-ID")) or f"{digest}@no-message-id.invalid"
    refs = tuple(_MESSAGE_ID.findall(decode_header_value(_header(message, "References"))))[-50:]
    in_reply_to = _message_id(_header(message, "In-Reply-To"))
    date = _date(_header(message, "Date"), body.defects) or received_at

    plain = "\n".join(body.plain).strip()
    html = "\n".join(body.html)
    text = plain if plain else html_to_text(html) if html else ""
    text = text[:MAX_TEXT]
    safe_html = sanitise_html(html[:MAX_TEXT]) if html else ""

    alias_address, alias_name = _buyer_sender(message, from_address, from_name)
    kind = classify.kind_of(
        from_address=from_address,
        buyer_alias=addresses.stable_alias(alias_address),
        content_type=message.get_content_type(),
        report_type=(message.get_param("report-type") or ""),
        notification_type=notification_type,
        subject=subject,
        text=text,
    )
    common = {
        "message_id": message_id,
        "sha256": digest,
        "subject": subject,
        "from_address": from_address,
        "from_name": from_name,
        "to_address": to_address,
        "date": date,
        "in_reply_to": in_reply_to,
        "references": refs,
        "notification_type": notification_type,
        "html": safe_html,
        "attachments": tuple(body.attachments),
        "defects": tuple(dict.fromkeys(body.defects)),
    }
    header_marketplace = decode_header_value(_header(message, "X-Marketplace-ID"))
    if kind == MailKind.BUYER_MESSAGE:
        alias = addresses.stable_alias(alias_address)
        if not alias:
            raise UnparseableMail(
                f"Amazon marks this as a buyer message ({notification_type}) but no buyer "
                "alias at marketplace.amazon.* was found in From, Reply-To or Sender"
            )
        marketplace_id = addresses.marketplace_for(alias, header_marketplace)
        words = buyer_text(text)
        return ParsedMail(
            kind=kind,
            order_id=addresses.find_order_id(subject, text),
            buyer_alias=alias,
            buyer_name=addresses.buyer_name_from_display(alias_name)[:200],
            marketplace_id=marketplace_id,
            language=detect_language(words, addresses.default_language(marketplace_id))
            if detect
            else addresses.default_language(marketplace_id),
            text=words,
            **common,
        )
    failure = None
    if kind == MailKind.DELIVERY_FAILURE:
        failure = classify.delivery_failure(
            subject=subject,
            text=text,
            report_fields=body.report_fields,
            original_headers=body.original_headers,
            in_reply_to=in_reply_to,
        )
    recipient_alias = addresses.stable_alias(failure.recipient) if failure else ""
    return ParsedMail(
        kind=kind,
        order_id=addresses.find_order_id(subject, text),
        buyer_alias=recipient_alias,
        marketplace_id=addresses.marketplace_for(recipient_alias, header_marketplace),
        text=notice_text(text),
        delivery_failure=failure,
        **common,
    )


def with_languages(mails: list[ParsedMail]) -> list[ParsedMail]:
    """Detect the language of every buyer message in `mails` in one parallel pass."""
    buyer = [i for i, mail in enumerate(mails) if mail.kind == MailKind.BUYER_MESSAGE]
    found = detect_languages([mails[i].text for i in buyer], [mails[i].language for i in buyer])
    out = list(mails)
    for index, language in zip(buyer, found, strict=True):
        out[index] = replace(out[index], language=language)
    return out


def _walk(part: Message, body: _Body, cap: int, depth: int, in_report: bool) -> None:
    body.parts += 1
    if depth > MAX_DEPTH or body.parts > MAX_PARTS:
        raise UnparseableMail(
            f"MIME structure too deep or too large ({depth} levels, {body.parts} parts)"
        )
    body.defects.extend(type(d).__name__ for d in part.defects)
    content_type = part.get_content_type()
    if content_type == "multipart/report":
        in_report = True
    if content_type == "message/delivery-status":
        payload = part.get_payload()
        if isinstance(payload, list):
            body.report_fields.extend(p for p in payload if isinstance(p, Message))
        return
    if in_report and content_type in ("message/rfc822", "text/rfc822-headers"):
        body.original_headers = _embedded_headers(part)
        return
    if part.is_multipart() and content_type != "message/rfc822":
        for child in part.get_payload():
            if isinstance(child, Message):
                _walk(child, body, cap, depth + 1, in_report)
        return
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    is_body_text = content_type in ("text/plain", "text/html") and disposition != "attachment"
    if is_body_text and not (filename and disposition == "inline" and part.get("Content-ID")):
        text = _part_text(part, body.defects)
        (body.plain if content_type == "text/plain" else body.html).append(text)
        return
    body.attachments.append(_attachment(part, filename, disposition, cap, len(body.attachments)))


def _part_payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            return inner[0].as_bytes()
    payload = part.get_payload(decode=True)
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return payload


def _part_text(part: Message, defects: list[str]) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not even a string
        charset = None
    text, how = decode_bytes(_part_payload(part), charset)
    if how:
        defects.append(how)
    return text


def _attachment(
    part: Message, filename: str, disposition: str, cap: int, index: int
) -> ParsedAttachment:
    content_type = part.get_content_type()
    data = _part_payload(part)
    if not filename:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        if content_type == "message/rfc822":
            extension = ".eml"
        filename = f"attachment-{index + 1}{extension}"
    skipped = ""
    if len(data) > cap:
        skipped = (
            f"Not stored: {len(data):,} bytes is over the {cap:,}-byte limit for one attachment."
        )
    return ParsedAttachment(
        filename=filename,
        content_type=content_type[:127],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        is_inline=disposition == "inline" or (not disposition and bool(part.get("Content-ID"))),
        content=None if skipped else data,
        skipped_reason=skipped,
    )


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an undecodable RFC 2231 value
        name = name[2] or ""
    name = decode_header_value(name)
    name = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[:200]


def _embedded_headers(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    raw = part.get_payload(decode=True)
    if raw:
        return message_from_bytes(raw)
    return None


# The shape nearly every relay header has: `"Name" <addr>`, `Name <addr>` or a bare address.
# Matching it directly is several times faster than the general RFC 5322 address parser.
_ONE_ADDRESS = re.compile(
    r'^\s*(?:"(?P<quoted>[^"\\]*)"|(?P<plain>[^"<>,;:@()\\]*?))\s*<(?P<addr>[^<>\s,;"()]+@[^<>\s,;"()]+)>\s*$'
    r'|^\s*(?P<bare>[^<>\s,;"()]+@[^<>\s,;"()]+)\s*$'
)


def _first_address(values: list) -> tuple[str, str]:
    """(display name, address) of the first address in the given header values."""
    if len(values) == 1 and isinstance(values[0], str):
        match = _ONE_ADDRESS.match(values[0].replace("\r", "").replace("\n", ""))
        if match:
            name = match["quoted"] if match["quoted"] is not None else match["plain"] or ""
            address = match["addr"] or match["bare"]
            return _single_line(decode_header_value(name)), decode_header_value(address)[:254]
    try:
        pairs = getaddresses([str(v) for v in values])
    except Exception:
        pairs = []
    for name, address in pairs:
        if address and "@" in address:
            return _single_line(decode_header_value(name)), decode_header_value(address)[:254]
    for value in values:  # no parseable address: fall back to whatever looks like one
        match = re.search(r"[\w.+-]+@[\w.-]+", decode_header_value(value))
        if match:
            return "", match.group(0)[:254]
    return "", ""


def _buyer_sender(message: Message, from_address: str, from_name: str) -> tuple[str, str]:
    """The buyer's alias address and display name: From, else Reply-To, else Sender."""
    if addresses.stable_alias(from_address):
        return from_address, from_name
    for header in ("Reply-To", "Sender"):
        name, address = _first_address(_headers(message, header))
        if addresses.stable_alias(address):
            return address, name or from_name
    return "", ""


def _message_id(value: object) -> str:
    text = decode_header_value(value)
    match = _MESSAGE_ID.search(text)
    if match:
        return match.group(1)
    text = text.strip().strip("<>").strip()
    return text[:900] if text and " " not in text else ""


def _date(value: object, defects: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(decode_header_value(value))
    except (TypeError, ValueError, IndexError):
        defects.append("unreadable Date header")
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    if not (datetime(1995, 1, 1, tzinfo=UTC) <= date <= datetime(2200, 1, 1, tzinfo=UTC)):
        defects.append("implausible Date header")
        return None
    return date


def _headers(message: Message, name: str) -> list[str]:
    """Raw values of header `name`: 8-bit bytes still there (as surrogates) for our decoder,
    where `Message.get` would already have replaced them with U+FFFD."""
    name = name.lower()
    return [value for key, value in message.raw_items() if key.lower() == name]


def _header(message: Message, name: str) -> str:
    values = _headers(message, name)
    return values[0] if values else ""


def _single_line(text: str) -> str:
    return " ".join(text.split())
