"""Relay-style buyer mail about catalogue orders, as Amazon's relay shapes it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sandbox.catalogue import CatalogueOrder

from .texts import FOOTER, MARKERS, SCENARIOS, SUBJECTS

SHIPPED_SCENARIOS = ("where_is_my_order", "return_request", "damaged_item", "thank_you")
OPEN_SCENARIOS = ("address_change", "customisation", "where_is_my_order")
# Charsets real relays use for some languages, so the demo exercises the decoder too.
CHARSETS = {"de": ("utf-8", "iso-8859-1"), "fr": ("utf-8", "windows-1252"), "ja": ("utf-8",)}


def scenario_for(order: CatalogueOrder, rng: random.Random) -> str:
    shipped = order.status in ("Shipped", "PartiallyShipped")
    return rng.choice(SHIPPED_SCENARIOS if shipped else OPEN_SCENARIOS)


def buyer_mail(
    order: CatalogueOrder,
    scenario: str,
    when: datetime,
    message_id: str,
    rng: random.Random,
    seller_address: str = "support@demo.example",
) -> bytes:
    """One relayed buyer message about `order`."""
    language = order.language if order.language in SCENARIOS[scenario] else "en"
    first_name = order.buyer_name.split()[-1 if language == "ja" else 0]
    last_initial = order.buyer_name.split()[-1][0]
    display = order.buyer_name if language == "ja" else f"{first_name} {last_initial}."
    item = order.items[0]
    text = rng.choice(SCENARIOS[scenario][language]).format(
        title=item.title, name=first_name, initials=f"{first_name[0]}.{rng.choice('ABCDEFMS')}."
    )
    begin, end = MARKERS[language]
    items = "\n".join(f"{i.quantity} of {i.title} [ASIN: {i.asin}]" for i in order.items)
    body = (
        f"Order ID: {order.order_id}\n{items}\n\n"
        f"------------- {begin} -------------\n{text}\n------------- {end} -------------\n\n"
        f"{FOOTER}\n"
    )
    mail = EmailMessage()
    mail["From"] = f'"{display} - Amazon Marketplace" <{order.buyer_alias}>'
    mail["To"] = seller_address
    mail["Subject"] = SUBJECTS[language].format(buyer=display, order_id=order.order_id)
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<{message_id}>"
    mail["X-Space-Notification-Type"] = "BBC_MESSAGE_SENT_TO_MERCHANT"
    mail["X-Marketplace-ID"] = order.marketplace_id
    charset = rng.choice(CHARSETS.get(language, ("utf-8",)))
    try:
        body.encode(charset)
    except UnicodeEncodeError:  # „quotes“ and the like: not every text fits every charset
        charset = "utf-8"
    mail.set_content(body, charset=charset)
    return bytes(mail)


def shipping_notice(
    order: CatalogueOrder, when: datetime, message_id: str, seller_address: str
) -> bytes:
    """Amazon's own mail: kept out of the inbox, listed among the notices."""
    mail = EmailMessage()
    mail["From"] = "Amazon Seller Central <auto-communication@amazon.com>"
    mail["To"] = seller_address
    mail["Subject"] = f"Sold, ship now: {order.items[0].title} (Order: {order.order_id})"
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content(
        f"Congratulations, you sold an item.\n\nOrder ID: {order.order_id}\n"
        f"Ship by: {order.latest_ship_date:%Y-%m-%d}\n"
    )
    return bytes(mail)


def conversation(
    order: CatalogueOrder, start: datetime, rng: random.Random, next_id
) -> list[tuple[datetime, bytes]]:
    """One buyer's message about an order, sometimes with a follow-up a few hours later."""
    scenario = scenario_for(order, rng)
    mails = [(start, buyer_mail(order, scenario, start, next_id(), rng))]
    if scenario != "thank_you" and rng.random() < 0.2:
        later = start + timedelta(hours=rng.randrange(2, 20))
        mails.append((later, buyer_mail(order, "follow_up", later, next_id(), rng)))
    return mails
