"""A worker killed in the middle of sending: the reply ends in "needs check" and the buyer gets
it once, even when the task is delivered again to a new worker."""

import os
import signal
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from messaging import outbox, services
from messaging.models import Message, OutgoingState
from messaging.tasks import send_reply

from .inbox_data import buyer_thread, ensure_marketplaces
from .smtp_listener import SmtpListener

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop(worker: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    worker.wait(timeout=30)


@pytest.fixture(autouse=True)
def _marketplaces(transactional_db) -> None:
    ensure_marketplaces()


def test_worker_killed_mid_send_leaves_needs_check_and_never_resends(_marketplaces, team):
    queue = f"outbox-crash-{uuid.uuid4().hex[:8]}"
    with SmtpListener() as smtp:
        smtp.recorder.stall_in_data = threading.Event()  # hold the SMTP answer to the data
        thread = buyer_thread(team.account)
        team.account.mailboxes.update(
            smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none"
        )
        reply = services.queue_reply(thread, team.agent, "It ships today.")
        worker = start_worker(queue)
        try:
            send_reply.apply_async(args=[reply.pk], queue=queue)
            assert smtp.recorder.data_started.wait(90), "the worker never started sending"
            stop(worker, signal.SIGKILL)  # dies after the data went out, before the answer
        finally:
            stop(worker, signal.SIGKILL)
        smtp.recorder.stall_in_data.set()
        reply.refresh_from_db()
        assert reply.outgoing_state == OutgoingState.SENDING

        later = timezone.now() + outbox.SENDING_STALE_AFTER + timedelta(seconds=1)
        assert outbox.recover(now=later).needs_check == [reply.pk]

        # The broker hands the unacknowledged task to a new worker: it must not send again.
        second = start_worker(queue)
        try:
            result = send_reply.apply_async(args=[reply.pk], queue=queue)
            assert result.get(timeout=90) == "not_claimed"
        finally:
            stop(second, signal.SIGTERM)

    reply = Message.objects.get(pk=reply.pk)
    assert reply.outgoing_state == OutgoingState.NEEDS_CHECK
    assert reply.send_attempts == 1
    assert len(smtp.recorder.received) == 1
