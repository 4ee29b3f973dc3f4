"""What admins do with mailboxes: set them up, ask for a pull now, retry quarantined mail.
Each function is atomic and audited; pulls run on a worker after the commit."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import audit
from accounts.models import User

from ..models import Mailbox, MailboxSync, QuarantinedMail, SyncState
from ..tasks import pull_mailbox
from .store import CLAIM_LEASE, store_batch
from .sync import parse_safely
from .types import ParsedMail, RawMail, UnparseableMail

SECRET_FIELDS = ("imap_password", "smtp_password")
QUEUED_PULL_EXPIRES = timedelta(minutes=10)  # no worker took it: a new click queues another


@transaction.atomic
def save_mailbox(mailbox: Mailbox, actor: User, changed: list[str]) -> Mailbox:
    """Create or update a mailbox source. `changed` names the edited fields (secrets are
    recorded as changed, never their values)."""
    created = mailbox.pk is None
    if not created and {"kind", "imap_host", "imap_folder", "imap_username"} & set(changed):
        # Another folder or server: UIDs from the old one mean nothing there.
        mailbox.uidvalidity = None
        mailbox.last_uid = 0
    mailbox.save()
    audit.record(
        actor,
        "mailbox.created" if created else "mailbox.updated",
        seller_account=mailbox.seller_account_id,
        target=mailbox,
        data={"fields": sorted(changed)},
    )
    secrets = sorted(set(SECRET_FIELDS) & set(changed))
    if secrets:
        audit.record(
            actor,
            "mailbox.secret_changed",
            seller_account=mailbox.seller_account_id,
            target=mailbox,
            data={"fields": secrets},
        )
    return mailbox


@transaction.atomic
def start_sync(mailbox: Mailbox, actor: User) -> MailboxSync:
    """Ask a worker to pull the mailbox now. If a pull is already queued or running, that one
    is returned (its progress is what the seller wants to watch)."""
    now = timezone.now()
    # A pull whose worker died stops counting once its claim would have lapsed.
    active = (
        MailboxSync.objects.filter(mailbox=mailbox)
        .filter(
            Q(state=SyncState.QUEUED, created_at__gte=now - QUEUED_PULL_EXPIRES)
            | Q(state=SyncState.RUNNING, heartbeat_at__gte=now - CLAIM_LEASE)
        )
        .order_by("-created_at")
        .first()
    )
    if active is not None:
        return active
    sync = MailboxSync.objects.create(mailbox=mailbox, requested_by=actor)
    audit.record(
        actor, "mailbox.sync_requested", seller_account=mailbox.seller_account_id, target=mailbox
    )
    transaction.on_commit(lambda: pull_mailbox.delay(mailbox.pk, sync.pk))
    return sync


@transaction.atomic
def retry_quarantined(item: QuarantinedMail, actor: User) -> bool:
    """Parse a quarantined mail again (after a fix, say). True when it is now stored."""
    item = QuarantinedMail.objects.select_for_update().get(pk=item.pk)
    if item.resolved_at is not None:
        return True
    with item.raw.open("rb") as handle:
        data = handle.read()
    raw = RawMail(ref=item.source_ref, data=data, received_at=item.created_at)
    parsed = parse_safely(raw)
    now = timezone.now()
    item.attempts += 1
    item.last_attempt_at = now
    if isinstance(parsed, UnparseableMail):
        item.error = str(parsed)
        item.save(update_fields=["attempts", "last_attempt_at", "error"])
        stored = False
    else:
        store_batch(item.mailbox, [(raw, parsed)], checkpoint=None)
        item.resolved_at = now
        item.save(update_fields=["attempts", "last_attempt_at", "resolved_at"])
        stored = True
    audit.record(
        actor,
        "mailbox.quarantine_retried",
        seller_account=item.mailbox.seller_account_id,
        target=item,
        data={"stored": stored, "kind": str(parsed.kind) if isinstance(parsed, ParsedMail) else ""},
    )
    return stored
