"""The sandbox's stand-in for Amazon's e-mail relay: it takes replies for buyer aliases only, and
bounces a reply with a link back as Amazon's notice, which the helpdesk matches to the reply."""

import mailbox
import smtplib
import time
from email.message import EmailMessage

import pytest

from helpdesk.embedded import free_port
from messaging import outbox
from messaging.ingest import sync
from messaging.ingest.parse import parse_mail
from messaging.ingest.types import MailKind
from messaging.models import Message, OutgoingState, ThreadStatus
from sandbox.mail import relay

from ..messaging.mailtools import buyer_mail, maildir_mailbox

ALIAS = "k3x9m2p7q1w8z4t@marketplace.amazon.de"


@pytest.fixture
def relay_server(tmp_path):
    port = free_port()
    inbox, sent = tmp_path / "maildirs" / "shop", tmp_path / "relayed"
    controller = relay.start(port, inbox, sent, notice_delay=0)
    yield port, mailbox.Maildir(inbox, create=True), mailbox.Maildir(sent, create=True)
    controller.stop()


def reply(text: str, to: str = ALIAS) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "support@example-seller.test"
    message["To"] = to
    message["Subject"] = "Re: Frage von Amazon-Kunde Anna (Bestellung: 302-4821956-3371520)"
    message["Message-ID"] = "<reply-1@example-seller.test>"
    message.set_content(text)
    return message


def wait_for(box: mailbox.Maildir, count: int) -> list:
    deadline = time.monotonic() + 10
    while len(box) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [box.get_bytes(key) for key in box.iterkeys()]


def test_a_clean_reply_is_relayed_and_nothing_comes_back(relay_server):
    port, inbox, sent = relay_server
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(reply("Ihr Paket ist unterwegs.\n> https://quoted.example/ of the buyer"))
    assert len(wait_for(sent, 1)) == 1
    time.sleep(0.3)
    assert len(inbox) == 0


def test_only_buyer_aliases_are_relayed(relay_server):
    port, _, sent = relay_server
    with smtplib.SMTP("127.0.0.1", port) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.send_message(reply("Hallo", to="someone@gmail.example"))
    assert len(sent) == 0


def test_a_reply_with_a_link_comes_back_as_amazons_notice(relay_server):
    port, inbox, _ = relay_server
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(reply("Details: https://shop.example/faq"))
    [notice] = wait_for(inbox, 1)
    parsed = parse_mail(notice)
    assert parsed.kind == MailKind.DELIVERY_FAILURE
    assert parsed.delivery_failure.original_message_id == "reply-1@example-seller.test"
    assert parsed.order_id == "302-4821956-3371520"


def test_the_helpdesk_marks_a_bounced_reply_rejected(team, relay_server, settings, tmp_path):
    port, inbox, _ = relay_server
    settings.MAILDIR_ROOT = tmp_path / "maildirs"
    settings.MEDIA_ROOT = tmp_path / "media"
    shop, box = maildir_mailbox(team.account, settings.MAILDIR_ROOT)
    shop.smtp_host, shop.smtp_port, shop.smtp_security = "127.0.0.1", port, "none"
    shop.save()
    box.add(buyer_mail(alias=ALIAS, order_id="302-4821956-3371520", message_id="b1@relay.test"))
    sync.pull_mailbox(shop.pk)
    thread = team.account.threads.get()
    # A reply that got past our checks but not past Amazon's (the relay is stricter on links).
    sent = Message.objects.create(
        thread=thread,
        mailbox=shop,
        direction="out",
        outgoing_state=OutgoingState.QUEUED,
        message_id="reply-7@example-seller.test",
        from_address=shop.email_address,
        to_address=thread.buyer_alias,
        subject="Re: Wo ist mein Paket?",
        text="Schauen Sie hier: www.shop.example/versand",
        occurred_at=thread.last_activity_at,
    )
    assert outbox.send_queued_reply(sent.pk) == outbox.Outcome.SENT
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.REPLIED
    wait_for(inbox, 2)  # the buyer's mail and Amazon's notice
    sync.pull_mailbox(shop.pk)
    sent.refresh_from_db()
    thread.refresh_from_db()
    assert sent.outgoing_state == OutgoingState.REJECTED
    assert "did not meet the Buyer-Seller Messaging" in sent.rejection_reason
    assert thread.status == ThreadStatus.NEEDS_REPLY
