"""Building a thread's history through the real state machine: buyer messages and replies."""

from messaging import services

from ..factories import MessageFactory


def buyer_message(thread, at):
    """A buyer message received at `at`, recorded as ingestion records it."""
    message = MessageFactory(thread=thread, direction="in", occurred_at=at, received_at=at)
    services.record_buyer_message(services.lock(thread), message)
    return message


def reply(thread, at, author=None):
    """An e-mail reply accepted for delivery at `at`."""
    message = MessageFactory(
        thread=thread, direction="out", outgoing_state="sending", occurred_at=at, author=author
    )
    services.record_reply_sent(message, sent_at=at)
    return message
