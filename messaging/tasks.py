"""Background work of the messaging app: each task takes ids and calls a service."""

from celery import shared_task

from . import outbox
from .models import Message


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_reply(self, message_id: int) -> str:
    """Send one queued reply; transient failures come back after a growing pause."""
    outcome = outbox.send_queued_reply(message_id)
    if outcome == outbox.Outcome.RETRY:
        attempts = Message.objects.get(pk=message_id).send_attempts
        raise self.retry(countdown=outbox.backoff_seconds(attempts))
    return str(outcome)


@shared_task
def recover_outbox() -> dict:
    """Replies stuck in "sending" become "needs check"; lost queued replies are handed over."""
    recovery = outbox.recover()
    return {"needs_check": recovery.needs_check, "requeued": recovery.requeued}
