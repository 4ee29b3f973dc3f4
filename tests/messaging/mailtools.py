"""Helpers for the mail ingestion tests: the fixture corpus, Maildir mailboxes."""

import mailbox as stdlib_mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.utils import timezone

from messaging.models import Mailbox, MailboxKind

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def fixture(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def expected_kind(name: str) -> str:
    """What the corpus file's name says it is."""
    if name.startswith("notice_"):
        return "system_notice"
    if name.startswith("failure_"):
        return "delivery_failure"
    if name in UNPARSEABLE:
        return "unparseable"
    return "buyer_message"


UNPARSEABLE = {
    "malformed_not_mail_binary.eml",
    "malformed_buyer_type_without_alias.eml",
    "malformed_mime_nesting_bomb.eml",
}


def maildir_mailbox(
    account, root: Path, name: str = "shop"
) -> tuple[Mailbox, stdlib_mailbox.Maildir]:
    """A Maildir mailbox of `account` at root/name (root is MAILDIR_ROOT in the test)."""
    root.mkdir(parents=True, exist_ok=True)
    box = stdlib_mailbox.Maildir(root / name, create=True)
    mailbox = Mailbox.objects.create(
        seller_account=account,
        name="Maildir",
        kind=MailboxKind.MAILDIR,
        email_address="support@example-seller.test",
        maildir_path=name,
    )
    return mailbox, box


def buyer_mail(
    *,
    alias: str = "a1b2c3d4e5f6g7h@marketplace.amazon.de",
    order_id: str = "302-1234567-7654321",
    text: str = "Hallo, wo ist meine Bestellung?",
    message_id: str = "m1@relay.test",
    in_reply_to: str = "",
    when=None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A relayed buyer message as Amazon shapes it."""
    mail = EmailMessage()
    mail["From"] = f'"Kim B. - Amazon Marketplace" <{alias}>'
    mail["To"] = "support@example-seller.test"
    subject = f"Frage von Amazon-Kunde Kim B. (Bestellung: {order_id})" if order_id else "Frage"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when or timezone.now())
    mail["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        mail["In-Reply-To"] = f"<{in_reply_to}>"
        mail["References"] = f"<{in_reply_to}>"
    mail["X-Space-Notification-Type"] = "BBC_MESSAGE_SENT_TO_MERCHANT"
    marker = "-------------"
    mail.set_content(f"{marker} Message: {marker}\n{text}\n{marker} Nachricht beenden {marker}\n")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(mail)
