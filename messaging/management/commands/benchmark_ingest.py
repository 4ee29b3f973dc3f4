"""Benchmark: ingest generated mail from a Maildir into PostgreSQL, and compare with Python's
bare `email.message_from_bytes` on the same files, measured in the same run.

Creates a throwaway seller account and Maildir (inside MAILDIR_ROOT) and removes both afterwards
unless --keep is given. Run it against a scratch database, for example:
    python -m helpdesk services -- sh -c \
        "python manage.py migrate -v0 && python manage.py benchmark_ingest"
"""

import os
import shutil
import tempfile
import time
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import SellerAccount
from messaging.ingest import sync
from messaging.ingest.benchmark_mail import generate
from messaging.ingest.language import warm_up
from messaging.models import Mailbox, MailboxKind, Message, SystemNotice


class Command(BaseCommand):
    help = "Ingest generated mail from a Maildir into PostgreSQL and print messages per second."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20_000)
        parser.add_argument("--batch-size", type=int, default=sync.BATCH_SIZE)
        parser.add_argument("--keep", action="store_true", help="keep the account and Maildir")

    def handle(self, *args, count, batch_size, keep, **options):
        root = Path(settings.MAILDIR_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix="benchmark-", dir=root))
        account = SellerAccount.objects.create(name=f"Benchmark {directory.name}", region="EU")
        try:
            self._run(account, directory, count, batch_size)
        finally:
            if not keep:
                account.delete()
                shutil.rmtree(directory, ignore_errors=True)

    def _run(self, account, directory, count, batch_size) -> None:
        started = time.perf_counter()
        generate(directory, count)
        self.stdout.write(f"generated {count:,} mails in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        warm_up()
        self.stdout.write(
            f"language models loaded in {time.perf_counter() - started:.1f} s (once per worker)"
        )
        files = sorted((directory / "cur").iterdir())
        started = time.perf_counter()
        for path in files:
            message_from_bytes(path.read_bytes())
        bare_seconds = time.perf_counter() - started
        mailbox = Mailbox.objects.create(
            seller_account=account,
            name="Benchmark",
            kind=MailboxKind.MAILDIR,
            email_address="support@bench-seller.test",
            maildir_path=directory.name,
        )
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            run = sync.pull_mailbox(mailbox.pk, batch_size=batch_size)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        stored = Message.objects.filter(mailbox=mailbox).count()
        notices = SystemNotice.objects.filter(mailbox=mailbox).count()
        rate = count / seconds
        bare_rate = count / bare_seconds
        self.stdout.write(f"pull: {run.get_state_display()} {run.error}")
        self.stdout.write(f"stored {stored:,} buyer messages and {notices:,} notices")
        self.stdout.write(f"ingest: {seconds:.1f} s, {rate:,.0f} messages/s")
        self.stdout.write(f"bare email.message_from_bytes: {bare_rate:,.0f} messages/s")
        self.stdout.write(f"ratio ingest / bare parse: {rate / bare_rate:.3f}")
        self.stdout.write(f"queries: {len(queries):,} ({len(queries) / count:.2f} per message)")
        self.stdout.write(
            f"CPU time of this process during the ingest: {cpu_seconds:.1f} s "
            f"({count / cpu_seconds:,.0f} messages per CPU second; PostgreSQL's own work and "
            f"waiting for a core on a busy machine come on top) · load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
