"""The demo's generated buyer mail: relay-shaped, about catalogue orders, in several languages,
and the `python -m sandbox.mail run` process that writes it into a Maildir."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management import call_command

from messaging.ingest.parse import parse_mail
from messaging.ingest.types import MailKind
from messaging.models import Mailbox, MailboxKind
from sandbox.catalogue import generate
from sandbox.mail.__main__ import backlog

ROOT = Path(__file__).resolve().parents[2]


def test_backlog_is_buyer_mail_about_catalogue_orders():
    orders = {order.order_id: order for order in generate()}
    mails = [parse_mail(data) for _, data in backlog(120, seed=3, seller_address="s@demo.test")]
    buyer = [mail for mail in mails if mail.kind == MailKind.BUYER_MESSAGE]
    assert len(mails) == 120 and len(buyer) > 100
    for mail in buyer:
        order = orders[mail.order_id]
        assert mail.buyer_alias == order.buyer_alias
        assert mail.marketplace_id == order.marketplace_id
        assert mail.text and "Begin message" not in mail.text
    assert len({mail.language for mail in buyer}) >= 5
    assert len({mail.message_id for mail in mails}) == 120


def count(maildir: Path) -> int:
    return len(os.listdir(maildir / "new")) if (maildir / "new").is_dir() else 0


def test_run_fills_the_maildir_once_and_stops_on_sigterm(tmp_path):
    maildir = tmp_path / "demo"
    command = [sys.executable, "-m", "sandbox.mail", "run", "--maildir", str(maildir),
               "--initial", "40", "--every", "0.5"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and count(maildir) <= 40:
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
    first = len(os.listdir(maildir / "new"))
    assert first > 40  # the backlog, then live mail
    restarted = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    restarted.send_signal(signal.SIGTERM)
    restarted.wait(10)
    assert len(os.listdir(maildir / "new")) < first + 40  # no second backlog


def test_setup_demo_creates_the_demo_maildir_mailbox(db, settings, tmp_path):
    settings.MAILDIR_ROOT = tmp_path
    call_command("setup_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("setup_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    mailbox = Mailbox.objects.get()
    assert (mailbox.kind, mailbox.maildir_path) == (MailboxKind.MAILDIR, "demo")
    assert (tmp_path / "demo" / "new").is_dir()


def test_backlog_keeps_to_the_sellers_marketplaces():
    germany, uk = "A1PA6795UKMFR9", "A1F83G8C2ARO7P"
    orders = {o.order_id: o for o in generate()}
    mails = [
        parse_mail(data)
        for _, data in backlog(60, seed=5, seller_address="s@x.example", marketplaces=[germany, uk])
    ]
    buyer_mails = [m for m in mails if m.kind == MailKind.BUYER_MESSAGE]
    assert buyer_mails
    assert {orders[m.order_id].marketplace_id for m in buyer_mails} <= {germany, uk}
