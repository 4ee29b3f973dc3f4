"""Background work of the messaging app: each task takes ids and calls a service."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import outbox
from .ingest import sync
from .models import Mailbox, MailboxSync, Message, SyncState


@shared_task(bind=True, max_retries=60, acks_late=True)
def pull_mailbox(self, mailbox_id: int, sync_id: int | None = None) -> int | None:
    """Pull one mailbox. A requested pull waits (retries) while another pull holds it."""
    result = sync.pull_mailbox(mailbox_id, sync_id)
    if result is None and sync_id is not None:
        if self.request.retries >= self.max_retries:
            MailboxSync.objects.filter(pk=sync_id, state=SyncState.QUEUED).update(
                state=SyncState.FAILED, error="Another pull kept the mailbox busy; try again."
            )
            return None
        raise self.retry(countdown=5)
    return result.pk if result else None


@shared_task
def pull_all_mailboxes() -> int:
    """Beat, every minute: queue a pull of every enabled mailbox nobody is pulling."""
    now = timezone.now()
    ids = list(
        Mailbox.objects.filter(enabled=True)
        .filter(Q(sync_claimed_until__isnull=True) | Q(sync_claimed_until__lt=now))
        .values_list("pk", flat=True)
    )
    for mailbox_id in ids:
        pull_mailbox.apply_async((mailbox_id,), expires=55)
    return len(ids)


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
