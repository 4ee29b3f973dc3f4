"""Catalogue orders rendered in Amazon's JSON shapes: Orders v0 and Orders v2026-01-01.

Pure functions, no I/O. Field names, casing and the "Amount as a string" money format follow
Amazon's models. Restricted (personal) fields appear only when the caller is entitled to them:
in v0 with a restricted data token, in v2026 when `includedData` asks for BUYER / RECIPIENT.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .catalogue import CatalogueItem, CatalogueOrder

V2026_STATUS = {
    "PendingAvailability": "PENDING_AVAILABILITY",
    "Pending": "PENDING",
    "Unshipped": "UNSHIPPED",
    "PartiallyShipped": "PARTIALLY_SHIPPED",
    "Shipped": "SHIPPED",
    "InvoiceUnconfirmed": "SHIPPED",
    "Canceled": "CANCELLED",
    "Unfulfillable": "UNFULFILLABLE",
}
ADDRESS_STATUSES = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}
NON_PII_ADDRESS = ("City", "StateOrRegion", "PostalCode", "CountryCode")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def money_v0(amount: Decimal, currency: str) -> dict[str, str]:
    return {
        "CurrencyCode": currency,
        "Amount": f"{amount:.2f}" if currency != "JPY" else f"{amount:.0f}",
    }


def money_v2026(amount: Decimal, currency: str) -> dict[str, str]:
    v0 = money_v0(amount, currency)
    return {"amount": v0["Amount"], "currencyCode": currency}


def order_v0(order: CatalogueOrder, *, pii: bool) -> dict:
    """One `Order` of getOrders / getOrder."""
    shipped = sum(i.quantity_shipped for i in order.items)
    ordered = sum(i.quantity for i in order.items)
    data: dict = {
        "AmazonOrderId": order.order_id,
        "SellerOrderId": order.order_id,
        "PurchaseDate": iso(order.purchased_at),
        "LastUpdateDate": iso(order.last_updated_at),
        "OrderStatus": order.status,
        "FulfillmentChannel": order.fulfillment_channel,
        "SalesChannel": order.sales_channel,
        "MarketplaceId": order.marketplace_id,
        "ShipServiceLevel": "Std Dom",
        "ShipmentServiceLevelCategory": "Standard",
        "NumberOfItemsShipped": shipped,
        "NumberOfItemsUnshipped": ordered - shipped,
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "OrderType": "StandardOrder",
        "IsPrime": order.is_prime,
        "IsBusinessOrder": order.is_business,
        "IsPremiumOrder": False,
        "IsReplacementOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsSoldByAB": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "BuyerInfo": {"BuyerEmail": order.buyer_alias},
    }
    if order.status != "Pending":
        data["OrderTotal"] = money_v0(order.total, order.currency)
    if order.fulfillment_channel == "MFN":  # Amazon gives these for seller-fulfilled orders
        data["EarliestShipDate"] = iso(order.earliest_ship_date)
        data["LatestShipDate"] = iso(order.latest_ship_date)
        data["EarliestDeliveryDate"] = iso(order.earliest_delivery_date)
        if order.status not in ("Pending", "PendingAvailability", "Canceled"):
            data["LatestDeliveryDate"] = iso(order.latest_delivery_date)
    if order.status in ADDRESS_STATUSES:
        data["ShippingAddress"] = address_v0(order, pii=pii)
    if pii:
        data["BuyerInfo"]["BuyerName"] = order.buyer_name
    return data


def address_v0(order: CatalogueOrder, *, pii: bool) -> dict[str, str]:
    if pii:
        return {**order.address, "AddressType": "Residential"}
    return {key: order.address[key] for key in NON_PII_ADDRESS if order.address.get(key)}


def item_v0(order: CatalogueOrder, item: CatalogueItem) -> dict:
    data: dict = {
        "ASIN": item.asin,
        "OrderItemId": item.order_item_id,
        "SellerSKU": item.sku,
        "Title": item.title,
        "QuantityOrdered": item.quantity,
        "QuantityShipped": item.quantity_shipped,
        "ProductInfo": {"NumberOfItems": "1"},
        "IsGift": "false",
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "BuyerRequestedCancel": {"IsBuyerRequestedCancel": "false", "BuyerCancelReason": ""},
    }
    if order.status != "Pending":  # pricing is absent while the order is pending
        data["ItemPrice"] = money_v0(item.unit_price * item.quantity, item.currency)
        data["ShippingPrice"] = money_v0(Decimal("0"), item.currency)
        data["PromotionDiscount"] = money_v0(Decimal("0"), item.currency)
    return data


def order_v2026(order: CatalogueOrder, included: set[str]) -> dict:
    """One `Order` of searchOrders / getOrder (v2026-01-01); items are always included."""
    fulfillment: dict = {
        "fulfillmentStatus": V2026_STATUS[order.status],
        "fulfilledBy": "AMAZON" if order.fulfillment_channel == "AFN" else "MERCHANT",
    }
    if "FULFILLMENT" in included:
        fulfillment["fulfillmentServiceLevel"] = "STANDARD"
        fulfillment["shipByWindow"] = {
            "earliestDateTime": iso(order.earliest_ship_date),
            "latestDateTime": iso(order.latest_ship_date),
        }
        fulfillment["deliverByWindow"] = {
            "earliestDateTime": iso(order.earliest_delivery_date),
            "latestDateTime": iso(order.latest_delivery_date),
        }
    programs = (["PRIME"] if order.is_prime else []) + (
        ["AMAZON_BUSINESS"] if order.is_business else []
    )
    data: dict = {
        "orderId": order.order_id,
        "orderAliases": [{"aliasId": order.order_id, "aliasType": "SELLER_ORDER_ID"}],
        "createdTime": iso(order.purchased_at),
        "lastUpdatedTime": iso(order.last_updated_at),
        "programs": programs,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": order.marketplace_id,
            "marketplaceName": order.sales_channel,
        },
        "fulfillment": fulfillment,
        "orderItems": [item_v2026(order, item, included) for item in order.items],
    }
    if "BUYER" in included:
        data["buyer"] = {"buyerName": order.buyer_name}
        if order.fulfillment_channel == "MFN":
            data["buyer"]["buyerEmail"] = order.buyer_alias
    if "RECIPIENT" in included and order.status in ADDRESS_STATUSES:
        address = order.address
        data["recipient"] = {
            "deliveryAddress": {
                "name": address["Name"],
                "addressLine1": address["AddressLine1"],
                "city": address["City"],
                "stateOrRegion": address["StateOrRegion"],
                "postalCode": address["PostalCode"],
                "countryCode": address["CountryCode"],
                "addressType": "RESIDENTIAL",
            }
        }
    if "PROCEEDS" in included and order.status != "Pending":
        data["proceeds"] = {"grandTotal": money_v2026(order.total, order.currency)}
    if "PACKAGES" in included and order.fulfillment_channel == "MFN" and order.status == "Shipped":
        data["packages"] = [
            {
                "packageReferenceId": "1",
                "carrier": "DHL" if order.country_code in ("DE", "IT", "ES", "FR") else "UPS",
                "shipTime": iso(order.ships_at or order.earliest_ship_date),
                "trackingNumber": f"00340{order.order_id.replace('-', '')[:15]}",
                "packageStatus": {
                    "status": "DELIVERED" if order.delivered_at else "IN_TRANSIT",
                },
            }
        ]
    return data


def item_v2026(order: CatalogueOrder, item: CatalogueItem, included: set[str]) -> dict:
    data: dict = {
        "orderItemId": item.order_item_id,
        "quantityOrdered": item.quantity,
        "product": {
            "asin": item.asin,
            "title": item.title,
            "sellerSku": item.sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": money_v2026(item.unit_price, item.currency)},
        },
        "fulfillment": {
            "quantityFulfilled": item.quantity_shipped,
            "quantityUnfulfilled": item.quantity - item.quantity_shipped,
        },
    }
    if "PROCEEDS" in included and order.status != "Pending":
        data["proceeds"] = {
            "proceedsTotal": money_v2026(item.unit_price * item.quantity, item.currency)
        }
    return data


def buyer_locale(order: CatalogueOrder) -> str:
    return f"{order.language}-{order.country_code}"
