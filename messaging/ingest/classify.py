"""Which of the three kinds a mail is, and what a bounce says about the message it rejects.

Facts from the Amazon notes (rules.md sections 8 and 9): buyer messages come from an alias at
`marketplace.amazon.*` (Amazon marks them BBC_MESSAGE_SENT_TO_MERCHANT); system notices come
from Amazon addresses such as auto-communication@, donotreply@ and no-reply@; a message Amazon
refuses comes back as a notice with identifying phrases ("unable to deliver the message you sent
for order", "did not meet the Buyer-Seller Messaging communication guidelines", "opt out of
receiving unsolicited messages"), and ordinary mail servers send DSNs (multipart/report).
The exact wording of some rejections is not public, so phrases are matched loosely.
"""

from __future__ import annotations

import re
from email.message import Message

from . import addresses
from .decode import decode_header_value
from .types import DeliveryFailure, MailKind

BUYER_MESSAGE_TYPES = {"BBC_MESSAGE_SENT_TO_MERCHANT"}

# A message of ours did not reach the buyer, in Amazon's words (several languages) and in the
# usual mail-server phrasing.
REJECTION = re.compile(
    r"(?i)("
    r"unable to deliver (?:the|your) message|could not be delivered|was not delivered|"
    r"couldn't be delivered|has not been delivered|delivery (?:has )?failed|"
    r"did not meet the buyer-seller messaging|"
    r"opt(?:ed)? out (?:of|from) receiving|opted out from receiving this message|"
    r"undeliverable|returned to sender|delivery status notification \(failure\)|"
    r"konnte nicht zugestellt werden|nicht zugestellt|"
    r"n'a pas pu être (?:remis|distribué|envoyé)|non distribué|"
    r"no se ha podido entregar|no (?:pudo|se pudo) (?:ser )?entregar|no entregado|"
    r"non è stato possibile (?:consegnare|recapitare)|non recapitato|"
    r"não (?:pôde|foi possível) (?:ser )?entreg|"
    r"配信できませんでした|送信できませんでした|"
    r"تعذر تسليم|"
    r"не (?:удалось|может быть) доставить"
    r")"
)
# Account-level restrictions are important but reject no single reply: they stay notices.
RESTRICTION = re.compile(r"(?i)restricted from sending proactive messages")
_QUOTED_MESSAGE_ID = re.compile(r"(?im)^\s*>?\s*message-id\s*:\s*<([^<>\s]+)>")
_QUOTED_SUBJECT = re.compile(r"(?im)^\s*>?\s*subject\s*:\s*(.+)$")
_SMTP_REPLY = re.compile(r"(?m)^\s*([45]\d\d[ -](?:[45]\.\d{1,3}\.\d{1,3}\s)?.*\S)\s*$")
_RECIPIENT = re.compile(r"(?i)^\s*rfc822\s*;\s*(.+)$")


def kind_of(
    *,
    from_address: str,
    buyer_alias: str,
    content_type: str,
    report_type: str,
    notification_type: str,
    subject: str,
    text: str,
) -> MailKind:
    """Classify one mail. A buyer's own words never turn it into anything but a buyer message:
    only the structure of a bounce (a DSN) can, so a buyer writing "could not be delivered"
    still lands in the inbox."""
    is_report = content_type == "multipart/report" and report_type.lower() == "delivery-status"
    if is_report or addresses.is_mail_system_sender(from_address):
        return MailKind.DELIVERY_FAILURE
    if buyer_alias or notification_type in BUYER_MESSAGE_TYPES:
        return MailKind.BUYER_MESSAGE
    if addresses.is_amazon_sender(from_address):
        head = f"{subject}\n{text[:5000]}"
        if REJECTION.search(head) and not RESTRICTION.search(head):
            return MailKind.DELIVERY_FAILURE
    return MailKind.SYSTEM_NOTICE


def delivery_failure(
    *,
    subject: str,
    text: str,
    report_fields: list[Message],
    original_headers: Message | None,
    in_reply_to: str,
) -> DeliveryFailure:
    """The reason and the rejected message's identifiers, from a DSN or an Amazon notice."""
    recipient = ""
    diagnostic = ""
    for block in report_fields:
        for header in ("Original-Recipient", "Final-Recipient"):
            match = _RECIPIENT.match(decode_header_value(block.get(header)))
            if match and not recipient:
                recipient = match.group(1).strip()
        if not diagnostic and block.get("Diagnostic-Code"):
            diagnostic = decode_header_value(block.get("Diagnostic-Code"))
            diagnostic = re.sub(r"(?i)^\s*smtp\s*;\s*", "", diagnostic)
    original_id = ""
    original_subject = ""
    if original_headers is not None:
        original_id = _bracketed(decode_header_value(original_headers.get("Message-ID")))
        original_subject = decode_header_value(original_headers.get("Subject"))
        if not recipient:
            recipient = _alias_in(decode_header_value(original_headers.get("To")))
    if not original_id:
        match = _QUOTED_MESSAGE_ID.search(text)
        original_id = match.group(1) if match else in_reply_to
    if not original_subject:
        match = _QUOTED_SUBJECT.search(text)
        original_subject = match.group(1).strip() if match else ""
    if not recipient:
        recipient = _alias_in(text) or _alias_in(subject)
    if not diagnostic:
        match = _SMTP_REPLY.search(text)
        diagnostic = match.group(1) if match else ""
    reason = diagnostic or _reason_paragraph(text) or subject
    return DeliveryFailure(
        reason=reason[:2000],
        original_message_id=original_id,
        recipient=recipient.strip("<> "),
        original_subject=original_subject[:500],
    )


def _bracketed(value: str) -> str:
    match = re.search(r"<([^<>\s]+)>", value)
    return match.group(1) if match else value.strip()


def _alias_in(text: str) -> str:
    match = addresses.ALIAS_IN_TEXT.search(text or "")
    return match.group(0) if match else ""


def _reason_paragraph(text: str) -> str:
    """The paragraph that says why (it holds the rejection phrase), or the first paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    for paragraph in paragraphs:
        if REJECTION.search(paragraph) or RESTRICTION.search(paragraph):
            return " ".join(paragraph.split())
    return " ".join(" ".join(paragraphs[:2]).split())
