"""Sending replies over SMTP to a real listener on loopback: states, headers, exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import outbox, services
from messaging.models import Message, OutgoingState, ThreadStatus

from .inbox_data import buyer_thread
from .smtp_listener import SmtpListener


@pytest.fixture
def smtp():
    with SmtpListener() as listener:
        yield listener


@pytest.fixture
def queued(team, smtp):
    thread = buyer_thread(team.account, text="Where is it?")
    mailbox = team.account.mailboxes.get()
    mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security = "127.0.0.1", smtp.port, "none"
    mailbox.save()
    return services.queue_reply(thread, team.agent, "It ships today.\nKind regards")


def test_reply_is_sent_from_the_registered_address_to_the_alias(queued, smtp, team):
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.SENT
    [mail] = smtp.recorder.received
    buyer = queued.thread.messages.get(direction="in")
    assert mail["From"] == queued.mailbox.email_address
    assert mail["To"] == queued.thread.buyer_alias
    assert mail["Message-ID"] == f"<{queued.message_id}>"
    assert mail["In-Reply-To"] == f"<{buyer.message_id}>"
    assert mail["References"] == f"<{buyer.message_id}>"
    assert mail["Subject"] == "Re: Where is my order?"
    assert mail.get_content_type() == "text/plain"
    assert "It ships today." in mail.get_content()
    queued.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.SENT and queued.sent_at is not None
    queued.thread.refresh_from_db()
    assert queued.thread.status == ThreadStatus.REPLIED


def test_attachments_travel_with_the_reply(team, smtp, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    thread = buyer_thread(team.account)
    team.account.mailboxes.update(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none")
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice")
    reply = services.queue_reply(thread, team.agent, "Your invoice.", [pdf])
    outbox.send_queued_reply(reply.pk)
    [mail] = smtp.recorder.received
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == ("invoice.pdf", "application/pdf")
    assert part.get_content() == b"%PDF-1.4 invoice"


def test_the_same_reply_is_never_sent_twice(queued, smtp):
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.SENT
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.NOT_CLAIMED
    assert len(smtp.recorder.received) == 1


def test_only_one_of_two_claims_wins(queued):
    assert outbox.claim(queued.pk) is True
    assert outbox.claim(queued.pk) is False
    queued.refresh_from_db()
    assert (queued.outgoing_state, queued.send_attempts) == (OutgoingState.SENDING, 1)


def test_temporary_refusal_fails_and_is_retried_until_it_gives_up(queued, smtp):
    smtp.recorder.rcpt_answer = "451 4.3.0 Try again later"
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.RETRY
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.FAILED
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.NOT_CLAIMED
    queued.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.FAILED
    assert "Try again later" in queued.last_error
    assert smtp.recorder.received == []


def test_retry_after_a_temporary_refusal_sends_it(queued, smtp):
    smtp.recorder.rcpt_answer = "451 4.3.0 Try again later"
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.RETRY
    smtp.recorder.rcpt_answer = ""
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.SENT
    assert len(smtp.recorder.received) == 1


def test_permanent_refusal_fails_at_once(queued, smtp):
    smtp.recorder.data_answer = "554 5.7.1 Message rejected"
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.FAILED
    queued.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.FAILED
    assert queued.send_attempts == outbox.MAX_ATTEMPTS
    assert "Message rejected" in queued.last_error


def test_unreachable_server_is_a_temporary_failure(queued, smtp):
    Message.objects.filter(pk=queued.pk).update()
    queued.mailbox.smtp_port = 1  # nothing listens there
    queued.mailbox.save()
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.RETRY
    queued.refresh_from_db()
    assert "Could not connect" in queued.last_error


def test_connection_lost_during_data_needs_a_check_not_a_retry(queued, smtp):
    smtp.recorder.drop_connection_in_data = True
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.NEEDS_CHECK
    assert outbox.send_queued_reply(queued.pk) == outbox.Outcome.NOT_CLAIMED
    queued.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.NEEDS_CHECK
    assert len(smtp.recorder.received) == 1


def test_recovery_moves_a_stale_sending_reply_to_needs_check(queued):
    assert outbox.claim(queued.pk)
    assert outbox.recover().needs_check == []  # just claimed: still in progress
    later = timezone.now() + outbox.SENDING_STALE_AFTER + timedelta(seconds=1)
    assert outbox.recover(now=later).needs_check == [queued.pk]
    queued.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.NEEDS_CHECK


def test_recovery_hands_over_a_queued_reply_whose_task_was_lost(
    queued, django_capture_on_commit_callbacks
):
    later = timezone.now() + outbox.QUEUED_STALE_AFTER + timedelta(seconds=1)
    assert outbox.recover(now=later).requeued == [queued.pk]


def test_rejection_by_amazon_reopens_the_thread(queued, smtp):
    outbox.send_queued_reply(queued.pk)
    services.record_reply_rejected(Message.objects.get(pk=queued.pk), "Links are not allowed")
    queued.refresh_from_db()
    queued.thread.refresh_from_db()
    assert queued.outgoing_state == OutgoingState.REJECTED
    assert queued.thread.status == ThreadStatus.NEEDS_REPLY


def test_backoff_grows():
    assert [outbox.backoff_seconds(n) for n in (1, 2, 3)] == [30, 120, 480]
