"""`python -m sandbox.mail run --maildir DIR --every 180`: fill DIR (a Maildir) with a few
hundred buyer messages on first start, then add new ones every few minutes until stopped."""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import signal
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sandbox.catalogue import generate

from . import relay
from .generate import conversation, shipping_notice

STATE_FILE = ".sandbox-mail"  # marks a Maildir that already got its first backlog


def _message_ids(prefix: str):
    def next_id() -> str:
        return f"{prefix}-{uuid.uuid4().hex}@relay.sandbox.invalid"

    return next_id


def write(box: mailbox.Maildir, mails: list[tuple[datetime, bytes]]) -> None:
    for _, data in sorted(mails, key=lambda item: item[0]):
        box.add(data)


def catalogue_orders(marketplaces: list[str] | None) -> list:
    """The sandbox catalogue's orders, only those of `marketplaces` when given (a seller's
    buyers write about orders from the marketplaces it sells in)."""
    orders = generate()
    return [o for o in orders if o.marketplace_id in marketplaces] if marketplaces else orders


def pick_order(orders: list, rng: random.Random, now: datetime):
    """Buyers mostly write about orders of the last few weeks, now and then about older ones."""
    recent = [o for o in orders if o.purchased_at >= now - RECENT]
    return rng.choice(recent if recent and rng.random() < 0.85 else orders)


RECENT = timedelta(days=21)


def backlog(
    count: int, seed: int, seller_address: str, marketplaces: list[str] | None = None
) -> list[tuple[datetime, bytes]]:
    """About `count` mails from the last three days (some inside the 24-hour window)."""
    rng = random.Random(seed)
    orders = catalogue_orders(marketplaces)
    now = datetime.now(UTC)
    next_id = _message_ids("backlog")
    mails: list[tuple[datetime, bytes]] = []
    while len(mails) < count:
        order = pick_order(orders, rng, now)
        when = now - timedelta(minutes=rng.randrange(10, 72 * 60))
        when = max(when, order.purchased_at + timedelta(hours=1))
        if rng.random() < 0.06:
            mails.append((when, shipping_notice(order, when, next_id(), seller_address)))
            continue
        mails.extend(m for m in conversation(order, when, rng, next_id) if m[0] <= now)
    return mails[:count]


def run(
    maildir: Path,
    every: float,
    initial: int,
    seed: int,
    seller_address: str,
    marketplaces: list[str] | None = None,
    relay_port: int | None = None,
) -> int:
    box = mailbox.Maildir(maildir, create=True)
    controller = None
    if relay_port:
        # Amazon's relay for the seller's replies: a copy of what it accepted goes beside it.
        controller = relay.start(relay_port, maildir, maildir.parent / f"{maildir.name}-relayed")
        print(f"sandbox mail: Amazon relay listening on 127.0.0.1:{relay_port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    marker = maildir / STATE_FILE
    if not marker.exists():
        mails = backlog(initial, seed, seller_address, marketplaces)
        write(box, mails)
        marker.write_text(datetime.now(UTC).isoformat() + "\n")
        print(f"sandbox mail: wrote {len(mails)} buyer messages to {maildir}", flush=True)
    rng = random.Random(f"{seed}-{os.getpid()}-{datetime.now(UTC).isoformat()}")
    orders = catalogue_orders(marketplaces)
    next_id = _message_ids("live")
    while not stop.wait(every):
        now = datetime.now(UTC)
        mails = []
        for _ in range(rng.randrange(1, 4)):
            mails.extend(m for m in conversation(pick_order(orders, rng, now), now, rng, next_id))
        write(box, [m for m in mails if m[0] <= now])
        print(f"sandbox mail: {len(mails)} new buyer messages", flush=True)
    if controller is not None:
        controller.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.mail", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("run", help="fill a Maildir, then keep adding mail until stopped")
    cmd.add_argument("--maildir", type=Path, required=True)
    cmd.add_argument("--every", type=float, default=180.0, help="seconds between new mail")
    cmd.add_argument("--initial", type=int, default=300, help="messages on first start")
    cmd.add_argument("--seed", type=int, default=7)
    cmd.add_argument("--seller-address", default="support@demo.example")
    cmd.add_argument(
        "--marketplaces",
        default="",
        help="comma-separated marketplace ids the seller sells in (default: all)",
    )
    cmd.add_argument("--relay-port", type=int, help="also run Amazon's relay on this port")
    args = parser.parse_args(argv)
    marketplaces = [m for m in args.marketplaces.split(",") if m] or None
    return run(
        args.maildir,
        args.every,
        args.initial,
        args.seed,
        args.seller_address,
        marketplaces,
        args.relay_port,
    )


if __name__ == "__main__":
    sys.exit(main())
