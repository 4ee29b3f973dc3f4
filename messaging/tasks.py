"""Background work of the messaging app: a few lines each, calling a service."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .ingest import sync
from .models import Mailbox, MailboxSync, SyncState


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
