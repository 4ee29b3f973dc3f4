"""A deterministic catalogue of Amazon orders for the sandbox: the same seed and anchor give the
same orders, ids, buyers and items every time.

The SP-API emulator renders these orders in Amazon's v0 and v2026-01-01 shapes; the demo mail
generator writes buyer messages about the same orders, so every demo thread has an order panel.
Everything here is invented: no real buyer's data.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

# Marketplaces the catalogue sells in: (marketplace id, country, alias domain, language, currency,
# sales channel, order-id prefixes seen for that marketplace).
MARKETPLACES = (
    (
        "ATVPDKIKX0DER",
        "US",
        "marketplace.amazon.com",
        "en",
        "USD",
        "Amazon.com",
        ("111", "112", "113", "114"),
    ),
    ("A2EUQ1WTGCTBG2", "CA", "marketplace.amazon.ca", "en", "CAD", "Amazon.ca", ("701", "702")),
    (
        "A1AM78C64UM0Y8",
        "MX",
        "marketplace.amazon.com.mx",
        "es",
        "MXN",
        "Amazon.com.mx",
        ("701", "702"),
    ),
    (
        "A2Q3Y263D00KWC",
        "BR",
        "marketplace.amazon.com.br",
        "pt",
        "BRL",
        "Amazon.com.br",
        ("701", "702"),
    ),
    (
        "A1F83G8C2ARO7P",
        "GB",
        "marketplace.amazon.co.uk",
        "en",
        "GBP",
        "Amazon.co.uk",
        ("202", "203", "204"),
    ),
    (
        "A1PA6795UKMFR9",
        "DE",
        "marketplace.amazon.de",
        "de",
        "EUR",
        "Amazon.de",
        ("302", "303", "304", "028"),
    ),
    (
        "A13V1IB3VIYZZH",
        "FR",
        "marketplace.amazon.fr",
        "fr",
        "EUR",
        "Amazon.fr",
        ("402", "403", "404"),
    ),
    (
        "APJ6JRA9NG5V4",
        "IT",
        "marketplace.amazon.it",
        "it",
        "EUR",
        "Amazon.it",
        ("402", "403", "405"),
    ),
    (
        "A1RKKUPIHCS9HS",
        "ES",
        "marketplace.amazon.es",
        "es",
        "EUR",
        "Amazon.es",
        ("402", "406", "407"),
    ),
    (
        "A1VC38T7YXB528",
        "JP",
        "marketplace.amazon.co.jp",
        "ja",
        "JPY",
        "Amazon.co.jp",
        ("249", "250", "503"),
    ),
)

STATUSES = (
    # (v0 OrderStatus, weight)
    ("Shipped", 55),
    ("Unshipped", 12),
    ("PartiallyShipped", 4),
    ("Pending", 8),
    ("Canceled", 8),
    ("Unfulfillable", 2),
    ("InvoiceUnconfirmed", 3),
    ("PendingAvailability", 3),
)

PRODUCTS = (
    # (asin, sku, price in USD, titles by language)
    (
        "B0SBXBOT01",
        "BOTTLE-750-STEEL",
        "24.90",
        {
            "en": "Stainless steel water bottle, 750 ml",
            "de": "Edelstahl-Trinkflasche, 750 ml",
            "fr": "Gourde en acier inoxydable, 750 ml",
            "it": "Borraccia in acciaio inox, 750 ml",
            "es": "Botella de acero inoxidable, 750 ml",
            "pt": "Garrafa de aço inoxidável, 750 ml",
            "ja": "ステンレスボトル 750ml",
        },
    ),
    (
        "B0SBXMUG02",
        "MUG-BLUE-350",
        "17.95",
        {
            "en": "Ceramic mug, blue, 350 ml",
            "de": "Keramiktasse, blau, 350 ml",
            "fr": "Mug en céramique, bleu, 350 ml",
            "it": "Tazza in ceramica, blu, 350 ml",
            "es": "Taza de cerámica, azul, 350 ml",
            "pt": "Caneca de cerâmica, azul, 350 ml",
            "ja": "セラミックマグカップ 青 350ml",
        },
    ),
    (
        "B0SBXLMP03",
        "LAMP-DESK-LED",
        "39.00",
        {
            "en": "LED desk lamp with dimmer",
            "de": "LED-Schreibtischlampe mit Dimmer",
            "fr": "Lampe de bureau LED à variateur",
            "it": "Lampada da scrivania LED dimmerabile",
            "es": "Lámpara de escritorio LED regulable",
            "pt": "Luminária de mesa LED com dimmer",
            "ja": "LEDデスクライト 調光機能付き",
        },
    ),
    (
        "B0SBXRBE04",
        "ROBE-EMB-L",
        "59.00",
        {
            "en": "Embroidered cotton bathrobe, size L",
            "de": "Bestickter Bademantel aus Baumwolle, Gr. L",
            "fr": "Peignoir en coton brodé, taille L",
            "it": "Accappatoio in cotone ricamato, taglia L",
            "es": "Albornoz de algodón bordado, talla L",
            "pt": "Roupão de algodão bordado, tamanho L",
            "ja": "刺繍入りコットンバスローブ Lサイズ",
        },
    ),
    (
        "B0SBXKNF05",
        "KNIFE-SET-5",
        "89.50",
        {
            "en": "Kitchen knife set, 5 pieces",
            "de": "Küchenmesser-Set, 5-teilig",
            "fr": "Set de couteaux de cuisine, 5 pièces",
            "it": "Set di coltelli da cucina, 5 pezzi",
            "es": "Juego de cuchillos de cocina, 5 piezas",
            "pt": "Conjunto de facas de cozinha, 5 peças",
            "ja": "包丁セット 5点",
        },
    ),
    (
        "B0SBXHDP06",
        "HEADPH-BT-BLK",
        "49.99",
        {
            "en": "Bluetooth headphones, black",
            "de": "Bluetooth-Kopfhörer, schwarz",
            "fr": "Casque Bluetooth, noir",
            "it": "Cuffie Bluetooth, nere",
            "es": "Auriculares Bluetooth, negro",
            "pt": "Fones de ouvido Bluetooth, preto",
            "ja": "Bluetoothヘッドホン ブラック",
        },
    ),
    (
        "B0SBXYGM07",
        "YOGA-MAT-6MM",
        "29.90",
        {
            "en": "Yoga mat, 6 mm, non-slip",
            "de": "Yogamatte, 6 mm, rutschfest",
            "fr": "Tapis de yoga antidérapant, 6 mm",
            "it": "Tappetino yoga antiscivolo, 6 mm",
            "es": "Esterilla de yoga antideslizante, 6 mm",
            "pt": "Tapete de ioga antiderrapante, 6 mm",
            "ja": "ヨガマット 6mm 滑り止め",
        },
    ),
    (
        "B0SBXCHG08",
        "CHARGER-USBC-65W",
        "34.99",
        {
            "en": "USB-C charger, 65 W",
            "de": "USB-C-Ladegerät, 65 W",
            "fr": "Chargeur USB-C, 65 W",
            "it": "Caricatore USB-C, 65 W",
            "es": "Cargador USB-C, 65 W",
            "pt": "Carregador USB-C, 65 W",
            "ja": "USB-C充電器 65W",
        },
    ),
)

FIRST_NAMES = {
    "en": ("Emma", "Oliver", "Grace", "Daniel", "Chloe", "James", "Megan", "Ryan"),
    "de": ("Katharina", "Jonas", "Lena", "Felix", "Sabine", "Tobias", "Anja", "Lukas"),
    "fr": ("Camille", "Louis", "Manon", "Hugo", "Léa", "Julien", "Chloé", "Antoine"),
    "it": ("Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara", "Davide"),
    "es": ("Lucía", "Javier", "Carmen", "Pablo", "Elena", "Diego", "Marta", "Sergio"),
    "pt": ("Ana", "João", "Beatriz", "Pedro", "Mariana", "Rafael", "Juliana", "Lucas"),
    "ja": ("陽菜", "蓮", "結衣", "大翔", "美咲", "悠真", "さくら", "翔太"),
}
LAST_NAMES = {
    "en": ("Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Hughes", "Clarke"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner"),
    "fr": ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Girard"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
    "es": ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Almeida"),
    "ja": ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"),
}
CITIES = {
    "US": (("Seattle", "WA", "98101"), ("Austin", "TX", "73301"), ("Denver", "CO", "80202")),
    "CA": (("Toronto", "ON", "M5H 2N2"), ("Vancouver", "BC", "V6B 1A1")),
    "MX": (("Ciudad de México", "CDMX", "06000"), ("Guadalajara", "JAL", "44100")),
    "BR": (("São Paulo", "SP", "01001-000"), ("Curitiba", "PR", "80010-000")),
    "GB": (("London", "", "EC1A 1BB"), ("Manchester", "", "M1 1AE"), ("Leeds", "", "LS1 1UR")),
    "DE": (("Berlin", "Berlin", "10115"), ("München", "Bayern", "80331"), ("Köln", "NRW", "50667")),
    "FR": (("Paris", "", "75001"), ("Lyon", "", "69001"), ("Nantes", "", "44000")),
    "IT": (("Milano", "MI", "20121"), ("Roma", "RM", "00118"), ("Torino", "TO", "10121")),
    "ES": (
        ("Madrid", "Madrid", "28001"),
        ("Sevilla", "Sevilla", "41001"),
        ("Valencia", "Valencia", "46001"),
    ),
    "JP": (("東京都", "東京都", "100-0001"), ("大阪市", "大阪府", "530-0001")),
}
STREETS = ("Main", "Park", "Station", "Garden", "Mill", "Church")
# Rough USD exchange rates, so prices look right in each currency.
RATES = {
    "USD": "1",
    "CAD": "1.35",
    "MXN": "17",
    "BRL": "5",
    "GBP": "0.79",
    "EUR": "0.92",
    "JPY": "150",
}


@dataclass(frozen=True)
class CatalogueItem:
    order_item_id: str
    asin: str
    sku: str
    title: str
    quantity: int
    quantity_shipped: int
    unit_price: Decimal
    currency: str


@dataclass(frozen=True)
class CatalogueOrder:
    order_id: str
    marketplace_id: str
    country_code: str
    sales_channel: str
    language: str
    currency: str
    status: str  # v0 OrderStatus
    fulfillment_channel: str  # AFN or MFN
    purchased_at: datetime
    last_updated_at: datetime
    earliest_ship_date: datetime
    latest_ship_date: datetime
    earliest_delivery_date: datetime
    latest_delivery_date: datetime
    delivered_at: datetime | None  # for shipped orders whose delivery date has passed
    buyer_name: str
    buyer_alias: str  # the anonymised relay address, e.g. k2x9q7w1v3m5z8a@marketplace.amazon.de
    address: dict[str, str]
    is_prime: bool
    is_business: bool
    items: tuple[CatalogueItem, ...]
    # What happens after `status` was drawn, so the order can move on as the sandbox clock runs
    # (see `at()`): when a not-yet-shipped order ships, and when an undelivered one arrives.
    ships_at: datetime | None = None
    arrives_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.unit_price * item.quantity for item in self.items), Decimal("0"))


def _money(usd: str, currency: str) -> Decimal:
    amount = Decimal(usd) * Decimal(RATES[currency])
    return amount.quantize(Decimal("1") if currency == "JPY" else Decimal("0.01"))


def _alias(rng: random.Random, domain: str) -> str:
    token = "".join(rng.choices(string.ascii_lowercase + string.digits, k=15))
    return f"{token}@{domain}"


def generate(
    seed: int = 7, count: int = 2000, anchor: datetime | None = None
) -> list[CatalogueOrder]:
    """`count` orders purchased over the 120 days before `anchor` (default: today 00:00 UTC).

    Orders come out sorted by purchase time. A buyer sometimes orders twice (same alias).
    Each order's status is the one it has at `anchor`; `at(order, later)` moves it on.
    """
    anchor = anchor or default_anchor()
    rng = random.Random(seed)
    draw = _Drawer(rng)
    window = 120 * 86400
    orders = [
        draw.order(lambda r: anchor - timedelta(seconds=r.randrange(window)), anchor)
        for _ in range(count)
    ]
    orders.sort(key=lambda order: order.purchased_at)
    return orders


def default_anchor() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def arrivals(seed: int, count: int, anchor: datetime, until: datetime) -> list[CatalogueOrder]:
    """Orders placed after `anchor` up to `until`, at the catalogue's daily rate (count / 120).

    Day by day deterministic: the orders of one day do not depend on `until`. A new order is
    Pending or Unshipped when placed (some are cancelled at once) and ships and arrives later.
    """
    per_day = max(1, round(count / 120))
    orders = []
    day = 0
    while anchor + timedelta(days=day) < until:
        rng = random.Random(f"{seed}-arrivals-{day}")
        draw = _Drawer(rng)
        start = anchor + timedelta(days=day)
        for _ in range(per_day):
            order = draw.order(lambda r, start=start: start + timedelta(seconds=r.randrange(86400)))
            if order.purchased_at <= until:
                orders.append(order)
        day += 1
    orders.sort(key=lambda order: order.purchased_at)
    return orders


def at(order: CatalogueOrder, moment: datetime) -> CatalogueOrder:
    """`order` as Amazon shows it at `moment`: shipped once `ships_at` passed, delivered once
    `arrives_at` passed, with LastUpdateDate moving along."""
    changes: dict = {}
    status, updated = order.status, order.last_updated_at
    if order.ships_at is not None and moment >= order.ships_at and status != "Shipped":
        status, updated = "Shipped", max(updated, order.ships_at)
        changes["status"] = status
        changes["items"] = tuple(replace(i, quantity_shipped=i.quantity) for i in order.items)
    if (
        order.arrives_at is not None
        and moment >= order.arrives_at
        and status == "Shipped"
        and order.delivered_at is None
    ):
        changes["delivered_at"] = order.arrives_at
        updated = max(updated, order.arrives_at)
    if not changes:
        return order
    return replace(order, last_updated_at=updated, **changes)


class _Drawer:
    """Draws orders from one random stream; remembers ids and repeat buyers across draws."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.statuses = [status for status, weight in STATUSES for _ in range(weight)]
        self.used_ids: set[str] = set()
        self.repeat_buyers: list[tuple[str, str, str]] = []  # (marketplace id, name, alias)

    def order(
        self, purchase_time: Callable[[random.Random], datetime], anchor: datetime | None = None
    ) -> CatalogueOrder:
        """One order purchased at `purchase_time(rng)`, in the status it has at `anchor` (by
        default the moment it was placed: Pending or Unshipped, or cancelled at once)."""
        rng = self.rng
        mp_id, country, domain, language, currency, channel, prefixes = rng.choice(MARKETPLACES)
        while True:
            order_id = (
                f"{rng.choice(prefixes)}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
            )
            if order_id not in self.used_ids:
                self.used_ids.add(order_id)
                break
        same_marketplace = [b for b in self.repeat_buyers if b[0] == mp_id]
        if same_marketplace and rng.random() < 0.08:
            _, buyer_name, alias = rng.choice(same_marketplace)
        else:
            first = rng.choice(FIRST_NAMES[language])
            last = rng.choice(LAST_NAMES[language])
            buyer_name = f"{last} {first}" if language == "ja" else f"{first} {last}"
            alias = _alias(rng, domain)
            self.repeat_buyers.append((mp_id, buyer_name, alias))
        purchased = purchase_time(rng)
        placed_now = anchor is None
        anchor = purchased if anchor is None else anchor
        status = rng.choice(self.statuses)
        if placed_now and status not in ("Pending", "Canceled", "PendingAvailability"):
            status = "Unshipped"
        afn = rng.random() < 0.45
        age_days = (anchor - purchased).days
        if status in ("Pending", "Unshipped", "PendingAvailability") and age_days > 10:
            status = "Shipped"  # old orders have shipped by now
        ship_from = purchased + timedelta(hours=rng.randrange(4, 30))
        ship_to = ship_from + timedelta(days=1 if afn else 2)
        delivery_from = ship_to + timedelta(days=1)
        delivery_to = delivery_from + timedelta(days=rng.randrange(1, 4))
        delivered = delivery_from + timedelta(hours=rng.randrange(0, 60))
        delivered_at = delivered if status == "Shipped" and delivered < anchor else None
        last_update = min(anchor, max(purchased, delivered_at or ship_from))
        city, region, postcode = rng.choice(CITIES[country])
        items = []
        for line in range(1 if rng.random() < 0.75 else 2):
            asin, sku, usd, titles = rng.choice(PRODUCTS)
            quantity = 1 if rng.random() < 0.8 else rng.randrange(2, 4)
            if status == "Shipped":
                shipped = quantity
            elif status == "PartiallyShipped" and line == 0:
                shipped = quantity - 1
            else:
                shipped = 0
            items.append(
                CatalogueItem(
                    order_item_id=f"{rng.randrange(10**13, 10**14)}",
                    asin=asin,
                    sku=sku,
                    title=titles.get(language, titles["en"]),
                    quantity=quantity,
                    quantity_shipped=max(shipped, 0),
                    unit_price=_money(usd, currency),
                    currency=currency,
                )
            )
        not_shipped = status in ("Pending", "Unshipped", "PendingAvailability", "PartiallyShipped")
        # Deterministic from what was drawn (no extra draws, so old catalogues stay the same):
        # an open order ships at its latest ship date, or within two days of `anchor`.
        ships_at = None
        if not_shipped:
            ships_at = max(ship_to, anchor + timedelta(hours=int(order_id[-2:]) % 48 + 1))
        arrives_at = None
        if status == "Shipped" and delivered_at is None:
            arrives_at = delivered
        elif ships_at is not None:
            arrives_at = ships_at + (delivered - ship_to)
        return CatalogueOrder(
            order_id=order_id,
            marketplace_id=mp_id,
            country_code=country,
            sales_channel=channel,
            language=language,
            currency=currency,
            status=status,
            fulfillment_channel="AFN" if afn else "MFN",
            purchased_at=purchased,
            last_updated_at=last_update,
            earliest_ship_date=ship_from,
            latest_ship_date=ship_to,
            earliest_delivery_date=delivery_from,
            latest_delivery_date=delivery_to,
            delivered_at=delivered_at,
            buyer_name=buyer_name,
            buyer_alias=alias,
            address={
                "Name": buyer_name,
                "AddressLine1": f"{rng.randrange(1, 200)} {rng.choice(STREETS)} Street",
                "City": city,
                "StateOrRegion": region,
                "PostalCode": postcode,
                "CountryCode": country,
            },
            is_prime=rng.random() < 0.3,
            is_business=rng.random() < 0.06,
            items=tuple(items),
            ships_at=ships_at,
            arrives_at=arrives_at,
        )
