"""A worker killed in the middle of a pull loses nothing and duplicates nothing: a real
`manage.py pull_mailbox` process is SIGKILLed while it works through a Maildir, then the next
pull finishes the job."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from messaging.ingest import sync
from messaging.models import Mailbox, MailboxSync, Message, SyncState

from .mailtools import buyer_mail, maildir_mailbox

ROOT = Path(__file__).resolve().parents[2]
COUNT = 1200


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_pull_loses_and_duplicates_nothing(team, tmp_path, settings):
    settings.MAILDIR_ROOT = tmp_path / "maildirs"
    settings.MEDIA_ROOT = tmp_path / "media"
    mailbox, box = maildir_mailbox(team.account, settings.MAILDIR_ROOT)
    for n in range(COUNT):
        box.add(
            buyer_mail(
                alias=f"k{n % 300:014d}@marketplace.amazon.de",
                order_id=f"302-{n % 300:07d}-0000001",
                message_id=f"kill-{n}@relay.test",
                text=f"Nachricht Nummer {n}: wo ist meine Bestellung?",
            )
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MAILDIR_ROOT": str(settings.MAILDIR_ROOT),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "pull_mailbox", str(mailbox.pk), "--batch-size", "40"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Generous: on a loaded machine the worker's start-up and first batches can be slow.
        deadline = time.monotonic() + 300
        processed = 0
        while time.monotonic() < deadline and worker.poll() is None:
            run = MailboxSync.objects.filter(mailbox=mailbox).first()
            processed = run.processed if run else 0
            if processed >= 200:
                break
            time.sleep(0.05)
        assert worker.poll() is None, worker.stderr.read().decode()
        assert processed >= 200, f"the worker committed only {processed} mails in 300 s"
        worker.send_signal(signal.SIGKILL)  # mid-batch: fetched and parsed, not committed
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    stored_at_kill = Message.objects.count()
    assert 0 < stored_at_kill < COUNT
    assert stored_at_kill % 40 == 0  # only whole batches were committed
    # The killed worker's claim lapses; the next pull takes over from the checkpoint.
    Mailbox.objects.filter(pk=mailbox.pk).update(
        sync_claimed_until=timezone.now() - timedelta(seconds=1)
    )
    run = sync.pull_mailbox(mailbox.pk)
    assert run.state == SyncState.DONE, run.error
    assert run.total == COUNT - stored_at_kill
    ids = list(Message.objects.values_list("message_id", flat=True))
    assert len(ids) == len(set(ids)) == COUNT
    interrupted = MailboxSync.objects.exclude(pk=run.pk).get()
    assert interrupted.state == SyncState.FAILED and "Interrupted" in interrupted.error
