"""A stand-in for Amazon's buyer-seller email relay, for the demo.

The seller's replies leave by SMTP to the buyer's anonymised alias; Amazon's relay delivers them
or sends a notice back when a message breaks its guidelines (rules.md section 9). This relay
listens on loopback, accepts mail only for buyer aliases (`@marketplace.amazon.`), keeps a copy
of everything it accepts, and when a reply carries a link or an e-mail address it puts Amazon's
"could not be delivered" notice into the seller's inbox Maildir, which the helpdesk ingests and
matches back to the reply.
"""

from __future__ import annotations

import mailbox
import re
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from aiosmtpd.controller import Controller

ALIAS = re.compile(r"@marketplace\.amazon\.[a-z.]+$", re.IGNORECASE)
ORDER_ID = re.compile(r"\b\d{3}-\d{7}-\d{7}\b")
# What the relay refuses to pass on: web addresses and e-mail addresses in the seller's text.
CONTACT = re.compile(r"(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


class RelayHandler:
    """aiosmtpd handler: accept for buyer aliases, keep a copy, bounce guideline breaches."""

    def __init__(self, inbox: Path, sent: Path, notice_delay: float = 20.0) -> None:
        for path in (inbox, sent):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.inbox = mailbox.Maildir(inbox, create=True)
        self.sent = mailbox.Maildir(sent, create=True)
        self.notice_delay = notice_delay

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options):
        if not ALIAS.search(address):
            return "550 5.1.1 Only buyer aliases (@marketplace.amazon.*) are relayed"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.sent.add(envelope.content)
        message = message_from_bytes(envelope.content, policy=policy.default)
        problem = CONTACT.search(seller_text(message))
        if problem:
            notice = rejection_notice(message, envelope.rcpt_tos[0], envelope.mail_from)
            timer = threading.Timer(self.notice_delay, self.inbox.add, args=[notice])
            timer.daemon = True
            timer.start()
        return "250 2.0.0 Accepted for delivery to the buyer"


def seller_text(message) -> str:
    """The reply's own words: plain-text body without quoted lines (the buyer's text)."""
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def rejection_notice(reply, alias: str, seller_address: str) -> bytes:
    """Amazon's notice that a reply did not meet the guidelines (as in rules.md section 9)."""
    order = ORDER_ID.search(f"{reply.get('Subject', '')} {seller_text(reply)}")
    domain = alias.rsplit("@marketplace.", 1)[-1]
    notice = EmailMessage()
    notice["From"] = f'"{domain.capitalize()}" <auto-communication@{domain}>'
    notice["To"] = seller_address
    notice["Subject"] = "Your message to a buyer could not be delivered"
    notice["Date"] = format_datetime(datetime.now(UTC))
    notice["Message-ID"] = make_msgid(domain="sandbox-relay.invalid")
    if reply.get("Message-ID"):
        notice["In-Reply-To"] = reply["Message-ID"]
    notice.set_content(
        "Hello,\n\n"
        f"Your message for order {order.group(0) if order else '(unknown)'} to {alias} could not "
        "be delivered because it did not meet the Buyer-Seller Messaging communication "
        "guidelines. Remove links and contact details and send it again.\n\n"
        f"Original message: {reply.get('Message-ID', '')}\n\nAmazon Services\n"
    )
    return notice.as_bytes()


def start(port: int, inbox: Path, sent: Path, notice_delay: float = 20.0) -> Controller:
    """Run the relay on 127.0.0.1:`port` in a background thread; `.stop()` ends it."""
    controller = Controller(
        RelayHandler(inbox, sent, notice_delay), hostname="127.0.0.1", port=port
    )
    controller.start()
    return controller
