from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from messaging.models import Tag, Thread
from tests.factories import MailboxFactory, MessageFactory, TagFactory, ThreadFactory


def test_message_id_is_unique_within_a_mailbox(db):
    mailbox = MailboxFactory()
    thread = ThreadFactory(seller_account=mailbox.seller_account)
    MessageFactory(thread=thread, mailbox=mailbox, message_id="abc@relay.test")
    with pytest.raises(IntegrityError):
        MessageFactory(thread=thread, mailbox=mailbox, message_id="abc@relay.test")


def test_the_same_message_id_may_arrive_in_two_mailboxes(db):
    first, second = MailboxFactory(), MailboxFactory()
    MessageFactory(mailbox=first, message_id="abc@relay.test")
    MessageFactory(mailbox=second, message_id="abc@relay.test")


def test_messages_without_message_id_do_not_collide(db):
    mailbox = MailboxFactory()
    MessageFactory(mailbox=mailbox, message_id="")
    MessageFactory(mailbox=mailbox, message_id="")


def test_one_thread_per_buyer_alias_and_order(db):
    thread = ThreadFactory()
    with pytest.raises(IntegrityError):
        ThreadFactory(
            seller_account=thread.seller_account,
            buyer_alias=thread.buyer_alias,
            amazon_order_id=thread.amazon_order_id,
        )


def test_clock_and_deadline_are_set_together(db):
    with pytest.raises(IntegrityError):
        ThreadFactory(clock_started_at=timezone.now(), response_deadline=None)


def test_start_clock_keeps_the_oldest_unanswered_message(db):
    thread = ThreadFactory()
    first = timezone.now() - timedelta(hours=5)
    thread.start_clock(first)
    thread.start_clock(first + timedelta(hours=2))
    thread.save()
    thread.refresh_from_db()
    assert thread.clock_started_at == first
    assert thread.response_deadline == first + timedelta(hours=24)


def test_outgoing_state_belongs_to_outbound_messages_only(db):
    with pytest.raises(IntegrityError):
        MessageFactory(direction="in", outgoing_state="queued")


def test_outbound_message_needs_an_outgoing_state(db):
    with pytest.raises(IntegrityError):
        MessageFactory(direction="out", outgoing_state="")


def test_tag_names_are_unique_per_account_whatever_their_case(db):
    tag = TagFactory(name="Returns")
    TagFactory(name="Returns")  # another seller account
    with pytest.raises(IntegrityError):
        Tag.objects.create(seller_account=tag.seller_account, name="returns")


def test_thread_defaults_to_needs_reply(db):
    assert ThreadFactory().status == Thread._meta.get_field("status").default == "needs_reply"
