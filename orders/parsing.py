"""Amazon's order JSON (Orders v0 and v2026-01-01) turned into one neutral shape.

Pure functions: no database, no network. Missing fields stay None/empty; Amazon leaves out
prices while an order is pending and dates for some fulfilment channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

V2026_STATUS = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
V2026_ADDRESS = {
    "name": "Name",
    "companyName": "CompanyName",
    "addressLine1": "AddressLine1",
    "addressLine2": "AddressLine2",
    "addressLine3": "AddressLine3",
    "city": "City",
    "districtOrCounty": "County",
    "stateOrRegion": "StateOrRegion",
    "postalCode": "PostalCode",
    "countryCode": "CountryCode",
}
ADDRESS_KEYS = tuple(V2026_ADDRESS.values())  # phone numbers are never kept


@dataclass
class ItemData:
    order_item_id: str
    asin: str
    sku: str
    title: str
    quantity: int
    quantity_shipped: int
    price_amount: Decimal | None  # the line's price (unit price x quantity)
    price_currency: str


@dataclass
class OrderData:
    amazon_order_id: str
    marketplace_id: str
    status: str  # v0 OrderStatus spelling, as our OrderStatus choices use
    fulfillment_channel: str  # AFN / MFN
    purchased_at: datetime | None
    amazon_updated_at: datetime | None
    latest_ship_date: datetime | None = None
    earliest_delivery_date: datetime | None = None
    latest_delivery_date: datetime | None = None
    shipped_at: datetime | None = None
    total_amount: Decimal | None = None
    total_currency: str = ""
    is_business_order: bool = False
    is_prime: bool = False
    buyer_name: str = ""
    shipping_address: dict[str, str] = field(default_factory=dict)
    items: list[ItemData] | None = None  # None: not part of this answer


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_money(money: dict | None, amount_key: str, currency_key: str) -> tuple:
    if not money:
        return None, ""
    try:
        return Decimal(str(money.get(amount_key))), str(money.get(currency_key) or "")
    except (InvalidOperation, TypeError):
        return None, ""


def _address(raw: dict | None) -> dict[str, str]:
    return {key: str(raw[key]) for key in ADDRESS_KEYS if raw and raw.get(key)}


def order_from_v0(raw: dict, items: list[dict] | None = None) -> OrderData:
    amount, currency = parse_money(raw.get("OrderTotal"), "Amount", "CurrencyCode")
    buyer = raw.get("BuyerInfo") or {}
    return OrderData(
        amazon_order_id=raw["AmazonOrderId"],
        marketplace_id=raw.get("MarketplaceId", ""),
        status=raw.get("OrderStatus", ""),
        fulfillment_channel=raw.get("FulfillmentChannel", ""),
        purchased_at=parse_time(raw.get("PurchaseDate")),
        amazon_updated_at=parse_time(raw.get("LastUpdateDate")),
        latest_ship_date=parse_time(raw.get("LatestShipDate")),
        earliest_delivery_date=parse_time(raw.get("EarliestDeliveryDate")),
        latest_delivery_date=parse_time(raw.get("LatestDeliveryDate")),
        total_amount=amount,
        total_currency=currency,
        is_business_order=bool(raw.get("IsBusinessOrder")),
        is_prime=bool(raw.get("IsPrime")),
        buyer_name=str(buyer.get("BuyerName") or ""),
        shipping_address=_address(raw.get("ShippingAddress")),
        items=None if items is None else [item_from_v0(item) for item in items],
    )


def item_from_v0(raw: dict) -> ItemData:
    amount, currency = parse_money(raw.get("ItemPrice"), "Amount", "CurrencyCode")
    return ItemData(
        order_item_id=str(raw["OrderItemId"]),
        asin=raw.get("ASIN", ""),
        sku=raw.get("SellerSKU", ""),
        title=raw.get("Title", ""),
        quantity=int(raw.get("QuantityOrdered") or 0),
        quantity_shipped=int(raw.get("QuantityShipped") or 0),
        price_amount=amount,
        price_currency=currency,
    )


def order_from_v2026(raw: dict) -> OrderData:
    fulfillment = raw.get("fulfillment") or {}
    ship_window = fulfillment.get("shipByWindow") or {}
    delivery_window = fulfillment.get("deliverByWindow") or {}
    amount, currency = parse_money(
        (raw.get("proceeds") or {}).get("grandTotal"), "amount", "currencyCode"
    )
    address = ((raw.get("recipient") or {}).get("deliveryAddress")) or {}
    packages = raw.get("packages") or []
    ship_times = [parse_time(p.get("shipTime")) for p in packages if p.get("shipTime")]
    programs = set(raw.get("programs") or [])
    return OrderData(
        amazon_order_id=raw["orderId"],
        marketplace_id=(raw.get("salesChannel") or {}).get("marketplaceId", ""),
        status=V2026_STATUS.get(fulfillment.get("fulfillmentStatus", ""), ""),
        fulfillment_channel="AFN" if fulfillment.get("fulfilledBy") == "AMAZON" else "MFN",
        purchased_at=parse_time(raw.get("createdTime")),
        amazon_updated_at=parse_time(raw.get("lastUpdatedTime")),
        latest_ship_date=parse_time(ship_window.get("latestDateTime")),
        earliest_delivery_date=parse_time(delivery_window.get("earliestDateTime")),
        latest_delivery_date=parse_time(delivery_window.get("latestDateTime")),
        shipped_at=min((t for t in ship_times if t), default=None),
        total_amount=amount,
        total_currency=currency,
        is_business_order="AMAZON_BUSINESS" in programs,
        is_prime="PRIME" in programs,
        buyer_name=str((raw.get("buyer") or {}).get("buyerName") or ""),
        shipping_address={
            V2026_ADDRESS[k]: str(v) for k, v in address.items() if k in V2026_ADDRESS and v
        },
        items=[item_from_v2026(item) for item in raw.get("orderItems") or []],
    )


def item_from_v2026(raw: dict) -> ItemData:
    product = raw.get("product") or {}
    unit, currency = parse_money(
        (product.get("price") or {}).get("unitPrice"), "amount", "currencyCode"
    )
    quantity = int(raw.get("quantityOrdered") or 0)
    return ItemData(
        order_item_id=str(raw["orderItemId"]),
        asin=product.get("asin", ""),
        sku=product.get("sellerSku", ""),
        title=product.get("title", ""),
        quantity=quantity,
        quantity_shipped=int((raw.get("fulfillment") or {}).get("quantityFulfilled") or 0),
        price_amount=None if unit is None else unit * quantity,
        price_currency=currency,
    )
