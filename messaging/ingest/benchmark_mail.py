"""Generated relay mail for the ingestion benchmark (invented text, no real buyers)."""

import os
import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

# (alias domain, order prefix, charset, lines) per language; invented text.
LANGUAGES = (
    (
        "marketplace.amazon.com",
        "113",
        "utf-8",
        "Hi, where is my order? The tracking has not moved for three days.",
    ),
    (
        "marketplace.amazon.co.uk",
        "204",
        "utf-8",
        "Hello, the mug arrived broken. Could you send a replacement please?",
    ),
    (
        "marketplace.amazon.de",
        "302",
        "iso-8859-1",
        "Guten Tag, ich möchte den Artikel zurückgeben. Wie gehe ich vor?",
    ),
    (
        "marketplace.amazon.fr",
        "402",
        "utf-8",
        "Bonjour, pouvez-vous graver les initiales « C.M. » sur la gourde ?",
    ),
    (
        "marketplace.amazon.it",
        "405",
        "iso-8859-15",
        "Buongiorno, la lampada non si accende. Potete aiutarmi? Grazie",
    ),
    (
        "marketplace.amazon.es",
        "406",
        "utf-8",
        "Hola, me he equivocado de dirección. ¿Podrían cambiarla, por favor?",
    ),
    (
        "marketplace.amazon.co.jp",
        "250",
        "iso-2022-jp",
        "こんにちは。注文した商品がまだ届きません。確認していただけますか。",
    ),
    (
        "marketplace.amazon.com.br",
        "701",
        "utf-8",
        "Olá, obrigado! A garrafa chegou perfeita e antes do prazo.",
    ),
)
FOOTER = "\n\nWe retain all messages between buyers and sellers for two years.\n"


def generate(directory: Path, count: int, seed: int = 1) -> None:
    """`count` relayed mails in a Maildir: about four per buyer and order, some with an
    attachment or HTML only, one in twenty an Amazon notice."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data
    for sub in ("new", "cur", "tmp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    buyers = max(1, count // 4)
    for n in range(count):
        mail = EmailMessage()
        buyer = rng.randrange(buyers)
        domain, prefix, charset, line = LANGUAGES[buyer % len(LANGUAGES)]
        order = f"{prefix}-{buyer:07d}-{buyer * 7 % 10**7:07d}"
        when = start + timedelta(seconds=n * 60)
        if n % 20 == 19:
            mail["From"] = "Amazon <auto-communication@amazon.com>"
            mail["Subject"] = f"Sold, ship now (Order: {order})"
            mail.set_content(f"Please ship order {order} now.\n")
        else:
            mail["From"] = f'"Buyer {buyer} - Amazon Marketplace" <b{buyer:014d}@{domain}>'
            mail["Subject"] = f"Inquiry from Amazon customer (Order: {order})"
            mail["X-Space-Notification-Type"] = "BBC_MESSAGE_SENT_TO_MERCHANT"
            body = (
                f"Order ID: {order}\n\n------------- Begin message -------------\n"
                f"{line}\n(#{n})\n------------- End message -------------{FOOTER}"
            )
            if n % 10 == 3:
                mail.set_content(
                    f"<html><body><p>{body.replace(chr(10), '<br>')}</p></body></html>",
                    subtype="html",
                    charset="utf-8",
                )
            else:
                mail.set_content(body, charset=charset if charset != "iso-2022-jp" else "utf-8")
            if n % 25 == 7:
                mail.add_attachment(
                    os.urandom(2048), maintype="image", subtype="jpeg", filename=f"photo-{n}.jpg"
                )
        mail["To"] = "support@bench-seller.test"
        mail["Date"] = format_datetime(when)
        mail["Message-ID"] = f"<bench-{seed}-{n}@relay.test>"
        name = f"{1767225600 + n}.M{n}P1.bench:2,"
        (directory / "cur" / name).write_bytes(bytes(mail))
