"""Pull mailboxes now, in this process (what the beat task does on a worker)."""

from django.core.management.base import BaseCommand

from messaging.ingest import sync
from messaging.models import Mailbox


class Command(BaseCommand):
    help = "Pull the given mailboxes (default: every enabled one) and print what each pull did."

    def add_arguments(self, parser):
        parser.add_argument("mailbox_ids", nargs="*", type=int)
        parser.add_argument("--batch-size", type=int, default=sync.BATCH_SIZE)

    def handle(self, *args, mailbox_ids, batch_size, **options):
        ids = mailbox_ids or list(Mailbox.objects.filter(enabled=True).values_list("pk", flat=True))
        for mailbox_id in ids:
            run = sync.pull_mailbox(mailbox_id, batch_size=batch_size)
            if run is None:
                self.stdout.write(f"mailbox {mailbox_id}: another pull is running")
                continue
            self.stdout.write(
                f"mailbox {mailbox_id}: {run.get_state_display()}, {run.processed}/{run.total} "
                f"({run.buyer_messages} buyer messages, {run.notices} notices, "
                f"{run.duplicates} duplicates, {run.quarantined} quarantined) {run.error}"
            )
