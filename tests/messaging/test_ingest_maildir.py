"""Ingesting from a Maildir into PostgreSQL: the whole corpus, idempotency, threading,
attachments, delivery failures, notices and the quarantine."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from messaging.ingest import sync
from messaging.ingest.services import retry_quarantined
from messaging.models import (
    Attachment,
    Direction,
    MaildirSeenKey,
    Message,
    NoticeKind,
    OutgoingState,
    QuarantinedMail,
    SyncState,
    SystemNotice,
    Thread,
    ThreadStatus,
)
from tests.factories import MessageFactory, ThreadFactory

from .mailtools import buyer_mail, corpus_files, expected_kind, fixture, maildir_mailbox


@pytest.fixture
def mail_root(tmp_path, settings):
    settings.MAILDIR_ROOT = tmp_path / "maildirs"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MAILDIR_ROOT


@pytest.fixture
def shop(team, mail_root):
    return maildir_mailbox(team.account, mail_root)


def test_corpus_is_ingested_each_mail_exactly_once(shop):
    mailbox, box = shop
    files = corpus_files()
    for path in files:
        box.add(path.read_bytes())
    run = sync.pull_mailbox(mailbox.pk, batch_size=16)
    kinds = [expected_kind(p.name) for p in files]
    assert run.state == SyncState.DONE, run.error
    assert (run.total, run.processed) == (len(files), len(files))
    assert Message.objects.filter(mailbox=mailbox).count() == kinds.count("buyer_message")
    assert SystemNotice.objects.filter(kind=NoticeKind.SYSTEM_NOTICE).count() == kinds.count(
        "system_notice"
    )
    assert SystemNotice.objects.filter(kind=NoticeKind.DELIVERY_FAILURE).count() == kinds.count(
        "delivery_failure"
    )
    assert QuarantinedMail.objects.count() == kinds.count("unparseable")
    mailbox.refresh_from_db()
    assert mailbox.last_success_at is not None and mailbox.last_error == ""


def test_resync_creates_no_duplicates(shop):
    mailbox, box = shop
    for path in corpus_files():
        box.add(path.read_bytes())
    sync.pull_mailbox(mailbox.pk)
    counts = (
        Message.objects.count(),
        SystemNotice.objects.count(),
        QuarantinedMail.objects.count(),
    )
    second = sync.pull_mailbox(mailbox.pk)
    assert second.total == 0
    # Even with the checkpoint gone, Message-IDs and checksums catch every mail.
    MaildirSeenKey.objects.all().delete()
    third = sync.pull_mailbox(mailbox.pk)
    assert third.duplicates == third.total == len(corpus_files())
    assert counts == (
        Message.objects.count(),
        SystemNotice.objects.count(),
        QuarantinedMail.objects.count(),
    )


def test_same_alias_and_order_share_a_thread_and_name_is_clean(shop):
    mailbox, box = shop
    box.add(fixture("en_us_where_is_my_order.eml"))
    box.add(fixture("en_reply_with_quoted_history.eml"))
    sync.pull_mailbox(mailbox.pk)
    thread = Thread.objects.get()
    assert thread.buyer_alias == "q7k2m9x4t1w8z3p@marketplace.amazon.com"
    assert thread.amazon_order_id == "113-4829175-2209341"
    assert thread.buyer_name == "Dana R."
    assert thread.marketplace_id == "ATVPDKIKX0DER"
    assert thread.messages.count() == 2
    assert thread.status == ThreadStatus.NEEDS_REPLY


def test_plus_suffix_alias_threads_with_the_stable_alias(shop):
    mailbox, box = shop
    box.add(buyer_mail(alias="k9k9k9k9k9k9k9k@marketplace.amazon.de", message_id="a@t"))
    box.add(
        buyer_mail(
            alias="k9k9k9k9k9k9k9k+2f1e0d9c-8b7a-6f5e-4d3c-2b1a0f9e8d7c@marketplace.amazon.de",
            message_id="b@t",
        )
    )
    sync.pull_mailbox(mailbox.pk)
    thread = Thread.objects.get()
    assert thread.buyer_alias == "k9k9k9k9k9k9k9k@marketplace.amazon.de"
    senders = set(thread.messages.values_list("from_address", flat=True))
    assert any("+" in sender for sender in senders)  # the full address is kept for replies


def test_in_reply_to_threads_a_message_without_order_id(shop, team):
    mailbox, box = shop
    thread = ThreadFactory(
        seller_account=team.account,
        buyer_alias="r3r3r3r3r3r3r3r@marketplace.amazon.de",
        amazon_order_id="302-7777777-1111111",
    )
    MessageFactory(
        thread=thread,
        direction=Direction.OUTBOUND,
        outgoing_state=OutgoingState.SENT,
        sent_at=timezone.now() - timedelta(hours=2),
        message_id="our-reply@seller.test",
    )
    box.add(
        buyer_mail(
            alias="r3r3r3r3r3r3r3r@marketplace.amazon.de",
            order_id="",
            in_reply_to="our-reply@seller.test",
            message_id="follow-up@relay.test",
        )
    )
    sync.pull_mailbox(mailbox.pk)
    assert Message.objects.get(message_id="follow-up@relay.test").thread == thread
    assert Thread.objects.count() == 1


def test_new_buyer_message_reopens_replied_thread_and_restarts_clock(shop, team):
    mailbox, box = shop
    alias, order = "o0o0o0o0o0o0o0o@marketplace.amazon.de", "302-5555555-6666666"
    thread = ThreadFactory(
        seller_account=team.account,
        buyer_alias=alias,
        amazon_order_id=order,
        status=ThreadStatus.REPLIED,
        last_activity_at=timezone.now() - timedelta(days=1),
    )
    MessageFactory(
        thread=thread,
        direction=Direction.OUTBOUND,
        outgoing_state=OutgoingState.SENT,
        sent_at=timezone.now() - timedelta(days=1),
    )
    when = timezone.now() - timedelta(minutes=10)
    box.add(buyer_mail(alias=alias, order_id=order, when=when, message_id="again@relay.test"))
    sync.pull_mailbox(mailbox.pk)
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.NEEDS_REPLY
    assert abs((thread.clock_started_at - when).total_seconds()) < 1
    assert thread.response_deadline == thread.clock_started_at + timedelta(hours=24)


def test_delivery_failure_marks_the_reply_rejected_with_amazons_reason(shop, team):
    mailbox, box = shop
    thread = ThreadFactory(
        seller_account=team.account,
        buyer_alias="q7k2m9x4t1w8z3p@marketplace.amazon.com",
        amazon_order_id="113-4829175-2209341",
        status=ThreadStatus.REPLIED,
    )
    reply = MessageFactory(
        thread=thread,
        direction=Direction.OUTBOUND,
        outgoing_state=OutgoingState.SENT,
        sent_at=timezone.now(),
        message_id="reply-7@example-seller.test",
    )
    box.add(fixture("failure_opt_out_en.eml"))
    run = sync.pull_mailbox(mailbox.pk)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert run.rejections == 1
    assert reply.outgoing_state == OutgoingState.REJECTED
    assert "opt out of receiving unsolicited messages" in reply.rejection_reason
    notice = SystemNotice.objects.get()
    assert notice.rejected_message == reply
    assert Thread.objects.count() == 1  # the notice started no thread


def test_delivery_failure_without_message_id_matches_by_alias_and_order(shop, team):
    mailbox, box = shop
    thread = ThreadFactory(
        seller_account=team.account,
        buyer_alias="g7r4c3w1l5s0n9x@marketplace.amazon.co.uk",
        amazon_order_id="204-7654321-1234567",
    )
    reply = MessageFactory(
        thread=thread,
        direction=Direction.OUTBOUND,
        outgoing_state=OutgoingState.SENT,
        sent_at=timezone.now() - timedelta(minutes=5),
        message_id="some-other-id@seller.test",
    )
    raw = fixture("failure_plain_bounce_postmaster.eml").replace(
        b"Date: Fri, 19 Apr 2024 10:00:00 +0000", b"Date: " + _now_header().encode()
    )
    box.add(raw.replace(b"Message-ID: <reply-10@example-seller.test>", b""))
    sync.pull_mailbox(mailbox.pk)
    reply.refresh_from_db()
    assert reply.outgoing_state == OutgoingState.REJECTED
    assert "550 5.7.1" in reply.rejection_reason


def _now_header() -> str:
    from email.utils import format_datetime

    return format_datetime(timezone.now())


def test_system_notices_stay_out_of_threads(shop):
    mailbox, box = shop
    for path in corpus_files():
        if path.name.startswith("notice_"):
            box.add(path.read_bytes())
    sync.pull_mailbox(mailbox.pk)
    assert Thread.objects.count() == 0
    assert SystemNotice.objects.filter(from_amazon=True).count() == 5
    assert SystemNotice.objects.filter(from_amazon=False).count() == 1


def test_attachments_are_stored_once_under_their_checksum(shop):
    mailbox, box = shop
    photo = b"\x89PNG fake image bytes" * 10
    for n in range(2):
        box.add(buyer_mail(message_id=f"p{n}@t", attachments=[("a.png", "image/png", photo)]))
    sync.pull_mailbox(mailbox.pk)
    digest = hashlib.sha256(photo).hexdigest()
    rows = list(Attachment.objects.all())
    assert len(rows) == 2 and {row.sha256 for row in rows} == {digest}
    assert {row.file.name for row in rows} == {f"attachments/{digest[:2]}/{digest}"}
    with default_storage.open(rows[0].file.name, "rb") as handle:
        assert handle.read() == photo


def test_thirty_megabyte_attachment_is_recorded_but_not_stored(shop):
    mailbox, box = shop
    big = b"\0" * (30 * 1024 * 1024)
    box.add(buyer_mail(message_id="big@t", attachments=[("video.mp4", "video/mp4", big)]))
    sync.pull_mailbox(mailbox.pk)
    message = Message.objects.get(message_id="big@t")
    assert "wo ist meine Bestellung" in message.text
    attachment = message.attachments.get()
    assert attachment.size == len(big) and not attachment.file
    assert "over the 26,214,400-byte limit" in attachment.skipped_reason


def test_unparseable_mail_is_quarantined_raw_and_batch_goes_on(shop):
    mailbox, box = shop
    bomb = fixture("malformed_mime_nesting_bomb.eml")
    box.add(bomb)
    box.add(fixture("malformed_not_mail_binary.eml"))
    box.add(buyer_mail(message_id="fine@t"))
    run = sync.pull_mailbox(mailbox.pk)
    assert run.state == SyncState.DONE
    assert (run.quarantined, run.buyer_messages) == (2, 1)
    item = QuarantinedMail.objects.get(sha256=hashlib.sha256(bomb).hexdigest())
    assert "too deep" in item.error
    with item.raw.open("rb") as handle:
        assert handle.read() == bomb


def test_hostile_text_with_nul_and_lone_surrogates_is_stored(shop):
    mailbox, box = shop
    raw = (
        b'From: "X - Amazon Marketplace" <h0h0h0h0h0h0h0h@marketplace.amazon.de>\r\n'
        b"Subject: =?utf-7?Q?bad+2D3-?= (Bestellung: 302-1111111-2222222)\r\n"
        b"Message-ID: <hostile@t>\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n"
        b"Hallo +2D3- und \x00 NUL\r\n"
    )
    box.add(raw)
    run = sync.pull_mailbox(mailbox.pk)
    assert run.buyer_messages == 1, run.error
    assert "\x00" not in Message.objects.get().text


def test_quarantined_mail_can_be_retried_after_a_fix(shop, team, monkeypatch):
    mailbox, box = shop
    box.add(fixture("de_damaged_latin1_qp.eml"))

    def broken_parser(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(sync, "parse_mail", broken_parser)
    sync.pull_mailbox(mailbox.pk)
    item = QuarantinedMail.objects.get()
    assert "RuntimeError: parser bug" in item.error
    assert not retry_quarantined(item, team.owner)  # still broken: kept, attempt counted
    item.refresh_from_db()
    assert item.attempts == 2 and item.resolved_at is None
    monkeypatch.undo()  # the fix is deployed
    assert retry_quarantined(item, team.owner)
    item.refresh_from_db()
    assert item.resolved_at is not None
    assert Message.objects.get().thread.amazon_order_id == "302-4821956-3371520"


def test_maildir_outside_the_root_is_refused(team, mail_root):
    mailbox, _ = maildir_mailbox(team.account, mail_root)
    mailbox.maildir_path = "../../etc"
    mailbox.save()
    run = sync.pull_mailbox(mailbox.pk)
    assert run.state == SyncState.FAILED
    mailbox.refresh_from_db()
    assert "MAILDIR_ROOT" in mailbox.last_error and mailbox.last_success_at is None


def test_a_claimed_mailbox_is_not_pulled_twice(shop):
    mailbox, _ = shop
    token = sync.claim(mailbox.pk)
    assert token and sync.claim(mailbox.pk) is None
    assert sync.pull_mailbox(mailbox.pk) is None
    sync.release(mailbox.pk, token)
    assert sync.pull_mailbox(mailbox.pk) is not None


def test_a_lapsed_claim_can_be_taken_over(shop):
    mailbox, _ = shop
    assert sync.claim(mailbox.pk)
    type(mailbox).objects.filter(pk=mailbox.pk).update(
        sync_claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert sync.claim(mailbox.pk)


def test_backfilled_message_older_than_a_reply_is_answered_by_it(shop, team):
    mailbox, box = shop
    alias, order = "b4b4b4b4b4b4b4b@marketplace.amazon.de", "302-4444444-1212121"
    thread = ThreadFactory(
        seller_account=team.account,
        buyer_alias=alias,
        amazon_order_id=order,
        status=ThreadStatus.REPLIED,
    )
    reply = MessageFactory(
        thread=thread,
        direction=Direction.OUTBOUND,
        outgoing_state=OutgoingState.SENT,
        sent_at=timezone.now() - timedelta(hours=1),
    )
    old = timezone.now() - timedelta(hours=5)
    box.add(buyer_mail(alias=alias, order_id=order, when=old, message_id="old@relay.test"))
    sync.pull_mailbox(mailbox.pk)
    message = Message.objects.get(message_id="old@relay.test")
    thread.refresh_from_db()
    assert message.answered_by == reply and thread.status == ThreadStatus.REPLIED
    assert thread.clock_started_at is None


def test_queries_per_pull_do_not_grow_with_the_number_of_messages(shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mailbox, box = shop
    for n in range(150):
        box.add(
            buyer_mail(
                alias=f"q{n % 40:014d}@marketplace.amazon.de",
                order_id=f"302-{n % 40:07d}-0000002",
                message_id=f"q{n}@relay.test",
            )
        )
    with CaptureQueriesContext(connection) as queries:
        run = sync.pull_mailbox(mailbox.pk, batch_size=200)
    assert run.buyer_messages == 150
    assert len(queries) < 40, [q["sql"][:80] for q in queries.captured_queries]
