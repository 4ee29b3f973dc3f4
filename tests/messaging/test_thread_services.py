"""The thread state machine behind the inbox and the 24-hour measure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from messaging import services
from messaging.models import Message, ThreadStatus
from tests.factories import MessageFactory, ThreadFactory
from tests.messaging.history import buyer_message, reply

T0 = timezone.now().replace(microsecond=0) - timedelta(days=2)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def test_buyer_message_starts_the_clock_and_needs_reply(team):
    thread = ThreadFactory(
        seller_account=team.account, status=ThreadStatus.REPLIED, last_activity_at=T0
    )
    buyer_message(thread, T0 + timedelta(hours=1))
    thread = fresh(thread)
    assert thread.status == ThreadStatus.NEEDS_REPLY
    assert thread.clock_started_at == T0 + timedelta(hours=1)
    assert thread.response_deadline == T0 + timedelta(hours=25)
    assert thread.snippet == "Hello, my parcel has not arrived yet."


def test_second_buyer_message_keeps_the_first_clock(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    buyer_message(thread, T0)
    buyer_message(thread, T0 + timedelta(hours=3))
    assert fresh(thread).clock_started_at == T0


def test_one_reply_answers_every_earlier_message_and_stops_the_clock(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    first = buyer_message(thread, T0)
    second = buyer_message(thread, T0 + timedelta(hours=2))
    answer = reply(thread, T0 + timedelta(hours=5), author=team.agent)
    assert fresh(first).answered_at == fresh(second).answered_at == T0 + timedelta(hours=5)
    assert fresh(first).answered_by == answer
    thread = fresh(thread)
    assert thread.status == ThreadStatus.REPLIED
    assert thread.clock_started_at is None and thread.response_deadline is None


def test_new_buyer_message_reopens_a_closed_thread_and_restarts_the_clock(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    buyer_message(thread, T0)
    reply(thread, T0 + timedelta(hours=1))
    services.close_thread(thread, team.agent)
    buyer_message(thread, T0 + timedelta(hours=30))
    thread = fresh(thread)
    assert thread.status == ThreadStatus.NEEDS_REPLY
    assert thread.clock_started_at == T0 + timedelta(hours=30)


def test_backfilled_message_older_than_a_reply_is_already_answered(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    buyer_message(thread, T0 + timedelta(hours=1))
    reply(thread, T0 + timedelta(hours=4))
    older = buyer_message(thread, T0)
    assert fresh(older).answered_at == T0 + timedelta(hours=4)
    assert fresh(thread).status == ThreadStatus.REPLIED


def test_rejected_reply_reopens_the_messages_it_answered(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    message = buyer_message(thread, T0)
    answer = reply(thread, T0 + timedelta(hours=2))
    services.record_reply_rejected(answer, "Message contains an external link.")
    assert fresh(message).answered_at is None
    thread = fresh(thread)
    assert thread.status == ThreadStatus.NEEDS_REPLY
    assert thread.clock_started_at == T0
    assert fresh(answer).outgoing_state == "rejected"
    assert fresh(answer).rejection_reason == "Message contains an external link."


def test_rejected_reply_falls_back_to_a_later_accepted_one(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    message = buyer_message(thread, T0)
    bounced = reply(thread, T0 + timedelta(hours=1))
    reply(thread, T0 + timedelta(hours=3))
    services.record_reply_rejected(bounced, "rejected")
    assert fresh(message).answered_at == T0 + timedelta(hours=3)
    assert fresh(thread).status == ThreadStatus.REPLIED


def test_proactive_message_answers_nothing(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    message = buyer_message(thread, T0)
    proactive = MessageFactory(
        thread=thread, direction="out", channel="sp_api", outgoing_state="sending", occurred_at=T0
    )
    services.record_reply_sent(proactive, sent_at=T0 + timedelta(hours=1))
    assert fresh(message).answered_at is None
    assert fresh(thread).status == ThreadStatus.NEEDS_REPLY


def test_no_response_needed_removes_open_messages_and_is_audited(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    message = buyer_message(thread, T0)
    services.mark_no_response_needed(thread, team.agent, reason="Buyer said thanks")
    thread = fresh(thread)
    assert thread.status == ThreadStatus.NO_RESPONSE_NEEDED
    assert thread.status_changed_by == team.agent
    assert thread.no_response_reason == "Buyer said thanks"
    assert thread.clock_started_at is None
    assert fresh(message).no_response_needed_at is not None
    event = AuditEvent.objects.get(action="thread.no_response_needed")
    assert (event.actor, event.data) == (team.agent, {"reason": "Buyer said thanks"})


def test_undo_no_response_needed_puts_back_only_that_marks_messages(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    earlier = buyer_message(thread, T0)
    services.mark_no_response_needed(thread, team.agent)
    later = buyer_message(thread, T0 + timedelta(hours=5))
    services.mark_no_response_needed(thread, team.agent)
    services.undo_no_response_needed(thread, team.owner)
    assert fresh(earlier).no_response_needed_at is not None
    assert fresh(later).no_response_needed_at is None
    thread = fresh(thread)
    assert thread.status == ThreadStatus.NEEDS_REPLY
    assert thread.clock_started_at == T0 + timedelta(hours=5)


def test_marking_twice_is_refused(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    services.mark_no_response_needed(thread, team.agent)
    with pytest.raises(services.InvalidTransition):
        services.mark_no_response_needed(thread, team.agent)


def test_closing_keeps_the_clock_running(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    buyer_message(thread, T0)
    services.close_thread(thread, team.agent)
    thread = fresh(thread)
    assert thread.status == ThreadStatus.CLOSED
    assert thread.clock_started_at == T0
    services.reopen_thread(thread, team.agent)
    assert fresh(thread).status == ThreadStatus.NEEDS_REPLY


def test_assign_only_to_members_who_may_reply(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    services.assign(thread, team.owner, team.agent)
    assert fresh(thread).assignee == team.agent
    for not_allowed in (team.read_only, team.outsider):
        with pytest.raises(services.InvalidTransition):
            services.assign(thread, team.owner, not_allowed)
    services.assign(thread, team.owner, None)
    assert fresh(thread).assignee is None
    assert AuditEvent.objects.filter(action="thread.assigned").count() == 2


def test_messages_of_a_thread_are_untouched_by_another_threads_reply(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    other = ThreadFactory(seller_account=team.account, last_activity_at=T0)
    message = buyer_message(thread, T0)
    reply(other, T0 + timedelta(hours=1))
    assert Message.objects.get(pk=message.pk).answered_at is None
