"""Fill a seller account with realistic inbox data fast (COPY in batches), for benchmarks.

    manage.py generate_inbox_data --threads 200000 --account "Benchmark 200k"

creates the account (owner login bench-<n>@benchmark.example, printed), a mailbox, tags, and
`--threads` threads with about five messages each, an order with items per thread. About 2% of
the threads (at least 60, so the first inbox page is always full) are waiting for a reply; the
rest are replied, closed or marked "No Response Needed". Run it on a database nobody else writes
to: rows get explicit ids.
"""

import csv
import io
import random
import secrets
import time
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from accounts.models import Membership, Role, SellerAccount, User
from accounts.services import create_seller_account
from messaging.models import Mailbox, Tag

MARKETPLACES = [  # (marketplace id, language, alias domain)
    ("A1PA6795UKMFR9", "de", "marketplace.amazon.de"),
    ("A1F83G8C2ARO7P", "en", "marketplace.amazon.co.uk"),
    ("A13V1IB3VIYZZH", "fr", "marketplace.amazon.fr"),
    ("APJ6JRA9NG5V4", "it", "marketplace.amazon.it"),
    ("A1RKKUPIHCS9HS", "es", "marketplace.amazon.es"),
]
BUYER_TEXT = {
    "de": [
        "Wo bleibt meine Bestellung? Die Sendungsverfolgung zeigt seit Tagen nichts Neues.",
        "Die Flasche ist undicht angekommen. Können Sie Ersatz schicken?",
        "Kann ich die Lieferadresse noch ändern?",
        "Ich brauche eine Rechnung mit ausgewiesener Mehrwertsteuer.",
        "Passt der Deckel auch auf das ältere Modell?",
        "Vielen Dank, alles bestens angekommen!",
    ],
    "en": [
        "My order still hasn't arrived, the tracking stopped on Monday.",
        "The bottle arrived with a dent in the side. Can you send a replacement?",
        "Could you send me an invoice with my company VAT number?",
        "Does the 750 ml bottle fit a standard car cup holder?",
        "I ordered the wrong colour, how do I return it?",
        "Thanks, it arrived quickly and works great.",
    ],
    "fr": [
        "Ma commande n'est toujours pas arrivée, pouvez-vous vérifier le suivi ?",
        "La bouteille est arrivée cassée. Pouvez-vous envoyer un remplacement ?",
        "J'ai besoin d'une facture avec mon numéro de TVA.",
        "Merci, tout est bien arrivé.",
    ],
    "it": [
        "Il mio ordine non è ancora arrivato, potete controllare la spedizione?",
        "La bottiglia è arrivata ammaccata. Potete inviarne una nuova?",
        "Mi serve una fattura con la partita IVA.",
        "Grazie, tutto perfetto.",
    ],
    "es": [
        "Mi pedido todavía no ha llegado, ¿pueden revisar el envío?",
        "La botella llegó rota. ¿Pueden enviar un reemplazo?",
        "Necesito una factura con mi número de IVA.",
        "Gracias, todo llegó perfecto.",
    ],
}
SELLER_TEXT = "Thank you for your message. We have looked into it and will take care of it today."
NAMES = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas"]
SURNAMES = ["Becker", "Smith", "Martin", "Rossi", "Garcia", "Müller", "Wilson", "Dubois"]
ITEMS = [
    "Insulated steel bottle, 750 ml, sage green",
    "Insulated steel bottle, 500 ml, black",
    "Replacement lid with straw",
    "Bottle cleaning brush set",
]


def _copy(table: str, columns: list[str], rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["\\N" if value is None else value for value in row])
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our tables
        return cursor.fetchone()[0]


def _sync_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


class Command(BaseCommand):
    help = "Create a seller account full of generated threads, messages and orders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=200_000)
        parser.add_argument("--account", default="")
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: object, threads: int, account: str, batch: int, seed: int, **options):
        started = time.monotonic()
        name = account or f"Benchmark {threads:,} threads"
        if SellerAccount.objects.filter(name=name).exists():
            self.stdout.write(f"{name!r} exists already; nothing to do.")
            return
        rng = random.Random(seed)  # noqa: S311 - reproducible generated data, not secrets
        seller, users, mailbox, tags = self._account(name, threads)
        counts = {"threads": 0, "messages": 0}
        with transaction.atomic():
            for first in range(0, threads, batch):
                size = min(batch, threads - first)
                made = self._batch(rng, seller, users, mailbox, tags, first, size, threads)
                counts["threads"] += size
                counts["messages"] += made
                self.stdout.write(
                    f"  {counts['threads']:,} threads, {counts['messages']:,} messages "
                    f"({time.monotonic() - started:.0f} s)"
                )
        for table in ("messaging_thread", "messaging_message", "orders_order", "orders_orderitem"):
            _sync_sequence(table)
        with connection.cursor() as cursor:
            for table in ("messaging_thread", "messaging_message", "orders_order"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(
            f"{name}: {counts['threads']:,} threads, {counts['messages']:,} messages in "
            f"{time.monotonic() - started:.0f} s. Owner login: {users[0].email}"
        )

    def _account(self, name: str, threads: int):
        password = secrets.token_urlsafe(12)
        slug = f"{threads}-{secrets.token_hex(3)}"
        owner = User.objects.create_user(
            f"bench-{slug}@benchmark.example", password, name="Benchmark Owner"
        )
        agent = User.objects.create_user(
            f"bench-agent-{slug}@benchmark.example", password, name="Benchmark Agent"
        )
        seller = create_seller_account(
            name=name, region="EU", marketplace_ids=[m[0] for m in MARKETPLACES], owner=owner
        )
        Membership.objects.create(user=agent, seller_account=seller, role=Role.AGENT)
        mailbox = Mailbox.objects.create(
            seller_account=seller, name="Support", kind="imap",
            email_address=f"support-{slug}@benchmark.example",
        )  # fmt: skip
        tags = [
            Tag.objects.create(seller_account=seller, name=tag)
            for tag in ("damaged", "refund", "late delivery", "invoice", "return", "vip")
        ]
        self.stdout.write(f"owner login: {owner.email} password: {password}")
        return seller, [owner, agent], mailbox, tags

    def _batch(self, rng, seller, users, mailbox, tags, first: int, size: int, total: int) -> int:
        now = datetime.now(UTC)
        waiting = max(60, total // 50)
        thread_id = _next_id("messaging_thread")
        message_id = _next_id("messaging_message")
        order_id = _next_id("orders_order")
        item_id = _next_id("orders_orderitem")
        threads, messages, orders, items, tag_links = [], [], [], [], []
        for n in range(first, first + size):
            marketplace, language, domain = MARKETPLACES[n % len(MARKETPLACES)]
            tid, oid = thread_id + n - first, order_id + n - first
            needs_reply = n < waiting
            if needs_reply:  # deadlines from 12 h overdue to 23 h left
                last = now - timedelta(minutes=rng.randint(60, 36 * 60))
            else:
                last = now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            status = "needs_reply" if needs_reply else rng.choices(
                ["replied", "closed", "no_response_needed"], [75, 15, 10]
            )[0]  # fmt: skip
            count = rng.randint(1, 9)  # buyer and seller take turns, the buyer first
            if (status == "needs_reply" and count % 2 == 0) or (
                status == "replied" and count % 2 == 1
            ):
                count += 1
            buyer = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
            amazon_order_id = f"{302 + n % 400:03d}-{n:07d}-{seller.pk % 10_000_000:07d}"
            snippet = ""
            for k in range(count):
                at = last - timedelta(hours=(count - 1 - k) * 6)
                inbound = k % 2 == 0
                text = rng.choice(BUYER_TEXT[language]) if inbound else SELLER_TEXT
                snippet = text if inbound else snippet
                messages.append([
                    message_id, tid, mailbox.pk, "in" if inbound else "out", "email",
                    f"gen{tid}-{k}@relay.benchmark.example", "", "",
                    f"b{tid}@{domain}" if inbound else mailbox.email_address,
                    mailbox.email_address if inbound else f"b{tid}@{domain}",
                    "Question about your order", text, "", language, at.isoformat(),
                    at.isoformat() if inbound else None, None if inbound else at.isoformat(),
                    "" if inbound else "sent", 0 if inbound else 1, "", "", at.isoformat(),
                ])  # fmt: skip
                message_id += 1
            deadline = (last + timedelta(hours=24)).isoformat() if needs_reply else None
            threads.append([
                tid, seller.pk, marketplace, f"buyer{tid}x@{domain}", buyer, amazon_order_id, oid,
                "Question about your order", language, snippet[:200], status, last.isoformat(),
                rng.choice(users).pk if rng.random() < 0.3 else None,
                last.isoformat() if needs_reply else None, deadline, last.isoformat(),
                (last - timedelta(hours=count * 6)).isoformat(), "",
            ])  # fmt: skip
            purchased = last - timedelta(days=rng.randint(2, 20))
            orders.append([
                oid, seller.pk, amazon_order_id, marketplace,
                rng.choice(["Shipped", "Delivered", "Unshipped"]), rng.choice(["AFN", "MFN"]),
                purchased.isoformat(), (purchased + timedelta(days=1)).isoformat(),
                (purchased + timedelta(days=5)).isoformat(), f"{rng.randint(900, 9900) / 100:.2f}",
                "EUR" if language != "en" else "GBP", "false", "false", buyer, "{}",
            ])  # fmt: skip
            for line in range(rng.randint(1, 2)):
                items.append([
                    item_id, oid, f"{oid}{line:04d}", f"B0{tid % 10**8:08d}", f"SKU-{tid % 997}",
                    rng.choice(ITEMS), 1, 1, f"{rng.randint(900, 4900) / 100:.2f}", "EUR",
                ])  # fmt: skip
                item_id += 1
            if rng.random() < 0.05:
                tag_links.append([tid, rng.choice(tags).pk])
        _copy("orders_order", ["id", "seller_account_id", "amazon_order_id", "marketplace_id",
              "status", "fulfillment_channel", "purchased_at", "shipped_at",
              "latest_delivery_date", "total_amount", "total_currency", "is_business_order",
              "is_prime", "buyer_name", "shipping_address"], orders)  # fmt: skip
        _copy("orders_orderitem", ["id", "order_id", "order_item_id", "asin", "sku", "title",
              "quantity", "quantity_shipped", "item_price_amount", "item_price_currency"],
              items)  # fmt: skip
        _copy("messaging_thread", ["id", "seller_account_id", "marketplace_id", "buyer_alias",
              "buyer_name", "amazon_order_id", "order_id", "subject", "language", "snippet",
              "status", "status_changed_at", "assignee_id", "clock_started_at",
              "response_deadline", "last_activity_at", "created_at", "no_response_reason"],
              threads)  # fmt: skip
        _copy("messaging_message", ["id", "thread_id", "mailbox_id", "direction", "channel",
              "message_id", "in_reply_to", '"references"', "from_address", "to_address", "subject",
              "text", "html", "language", "occurred_at", "received_at", "sent_at",
              "outgoing_state", "send_attempts", "last_error", "rejection_reason",
              "created_at"], messages)  # fmt: skip
        _copy("messaging_thread_tags", ["thread_id", "tag_id"], tag_links)
        return len(messages)
