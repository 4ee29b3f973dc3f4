"""Orders API v0, Orders API v2026-01-01 and the Tokens API (restricted data tokens)."""

from __future__ import annotations

from datetime import datetime, timedelta

from . import shapes
from .api import ApiError, Request, decode_token, encode_token, invalid, not_found
from .catalogue import CatalogueOrder

V0_STATUSES = {
    "PendingAvailability",
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "InvoiceUnconfirmed",
    "Canceled",
    "Unfulfillable",
}
INCLUDED_DATA = {
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
}
V0_NAMES = ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")
V2026_NAMES = ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")


def _search(req: Request, names: tuple[str, str, str, str], token_name: str) -> tuple:
    """Shared by getOrders and searchOrders: validates the time window and paging token.

    Returns (the filters in force, a request view of them, "created" or "updated", window
    start, window end, the decoded paging token or None). A paging token carries the filters
    and the window end of the first page, so every page reads the same result set.
    """
    created_after, created_before, updated_after, updated_before = names
    token = req.one(token_name)
    paging = decode_token(token) if token else None
    query = paging["q"] if paging else {k: v for k, v in req.query.items() if k != token_name}
    view = Request(req.state, req.method, req.path, query, {})
    now = req.state.now()
    after_c, after_u = view.date(created_after), view.date(updated_after)
    before_c, before_u = view.date(created_before), view.date(updated_before)
    if (after_c is None) == (after_u is None):
        raise invalid(f"Exactly one of {created_after} and {updated_after} must be given.")
    if (after_c and before_u) or (after_u and before_c):
        raise invalid("Created and last-updated filters cannot be combined.")
    kind = "created" if after_c else "updated"
    after = after_c or after_u
    before = before_c or before_u
    if before is not None:
        if before < after or before > now - timedelta(minutes=2):
            field = created_before if kind == "created" else updated_before
            raise invalid(f"{field} must be after the start and at least two minutes before now.")
    else:
        before = datetime.fromisoformat(paging["before"]) if paging else now
    return query, view, kind, after, before, paging


def _when(order: CatalogueOrder, kind: str) -> datetime:
    return order.purchased_at if kind == "created" else order.last_updated_at


def _page(orders: list, paging: dict | None, size: int, query: dict, before: datetime):
    offset = paging["offset"] if paging else 0
    page = orders[offset : offset + size]
    following = None
    if offset + size < len(orders):
        following = encode_token(
            {"q": query, "before": before.isoformat(), "offset": offset + size}
        )
    return page, following


def get_orders(req: Request) -> tuple[int, dict]:
    """GET /orders/v0/orders."""
    query, view, kind, after, before, paging = _search(req, V0_NAMES, "NextToken")
    marketplaces = set(view.many("MarketplaceIds"))
    if not marketplaces:
        raise invalid("", "Missing or invalid request parameters: [MarketplaceIds]")
    if len(marketplaces) > 50:
        raise invalid("MarketplaceIds may list at most 50 marketplaces.")
    ids = set(view.many("AmazonOrderIds"))
    if len(ids) > 50:
        raise invalid("AmazonOrderIds may list at most 50 order ids.")
    statuses = set(view.many("OrderStatuses"))
    if statuses - V0_STATUSES:
        raise invalid(f"Invalid OrderStatuses {sorted(statuses - V0_STATUSES)}.")
    channels = set(view.many("FulfillmentChannels"))
    size = view.integer("MaxResultsPerPage", 100, 1, 100)
    orders = sorted(
        (
            o
            for o in req.state.orders()
            if o.marketplace_id in marketplaces
            and after <= _when(o, kind) <= before
            and (not ids or o.order_id in ids)
            and (not statuses or o.status in statuses)
            and (not channels or o.fulfillment_channel in channels)
        ),
        key=lambda o: (_when(o, kind), o.order_id),
    )
    page, following = _page(orders, paging, size, query, before)
    pii = _covers(req, "/orders/v0/orders")
    payload: dict = {"Orders": [shapes.order_v0(o, pii=pii) for o in page]}
    payload["CreatedBefore" if kind == "created" else "LastUpdatedBefore"] = shapes.iso(before)
    if following:
        payload["NextToken"] = following
    return 200, {"payload": payload}


def _covers(req: Request, path: str) -> bool:
    """True when the caller used a restricted data token for `path`; 403 for a token that
    covers other paths only. An ordinary access token gets the data without personal fields."""
    if req.token is None or req.token.restricted is None:
        return False
    if any(resource.get("path") == path for resource in req.token.restricted):
        return True
    raise ApiError(403, "Unauthorized", "Access to requested resource is denied.", "")


def _order_or_404(req: Request) -> CatalogueOrder:
    order = req.state.order(req.params["order_id"])
    if order is None:
        raise not_found()
    return order


def get_order_v0(req: Request) -> tuple[int, dict]:
    order = _order_or_404(req)
    pii = _covers(req, f"/orders/v0/orders/{order.order_id}")
    return 200, {"payload": shapes.order_v0(order, pii=pii)}


def get_order_items(req: Request) -> tuple[int, dict]:
    order = _order_or_404(req)
    _covers(req, f"/orders/v0/orders/{order.order_id}/orderItems")
    items = [shapes.item_v0(order, item) for item in order.items]
    return 200, {"payload": {"AmazonOrderId": order.order_id, "OrderItems": items}}


def get_order_buyer_info(req: Request) -> tuple[int, dict]:
    order = _order_or_404(req)
    pii = _covers(req, f"/orders/v0/orders/{order.order_id}/buyerInfo")
    payload = {"AmazonOrderId": order.order_id, "BuyerEmail": order.buyer_alias}
    if pii:
        payload["BuyerName"] = order.buyer_name
    return 200, {"payload": payload}


def get_order_address(req: Request) -> tuple[int, dict]:
    order = _order_or_404(req)
    pii = _covers(req, f"/orders/v0/orders/{order.order_id}/address")
    payload: dict = {"AmazonOrderId": order.order_id}
    if order.status in shapes.ADDRESS_STATUSES:
        payload["ShippingAddress"] = shapes.address_v0(order, pii=pii)
    return 200, {"payload": payload}


def _included(req: Request) -> set[str]:
    included = set(req.many("includedData"))
    if included - INCLUDED_DATA:
        raise invalid(f"Invalid includedData {sorted(included - INCLUDED_DATA)}.")
    return included


def search_orders(req: Request) -> tuple[int, dict]:
    """GET /orders/2026-01-01/orders."""
    query, view, kind, after, before, paging = _search(req, V2026_NAMES, "paginationToken")
    marketplaces = set(view.many("marketplaceIds"))
    if len(marketplaces) > 50:
        raise invalid("marketplaceIds may list at most 50 marketplaces.")
    statuses = set(view.many("fulfillmentStatuses"))
    fulfilled_by = set(view.many("fulfilledBy"))
    size = view.integer("maxResultsPerPage", 100, 1, 100)
    included = _included(req)
    orders = sorted(
        (
            o
            for o in req.state.orders()
            if (not marketplaces or o.marketplace_id in marketplaces)
            and after <= _when(o, kind) <= before
            and (not statuses or shapes.V2026_STATUS[o.status] in statuses)
            and (
                not fulfilled_by
                or ("AMAZON" if o.fulfillment_channel == "AFN" else "MERCHANT") in fulfilled_by
            )
        ),
        key=lambda o: (_when(o, kind), o.order_id),
    )
    page, following = _page(orders, paging, size, query, before)
    body: dict = {"orders": [shapes.order_v2026(o, included) for o in page]}
    if following:
        body["pagination"] = {"nextToken": following}
    body["createdBefore" if kind == "created" else "lastUpdatedBefore"] = shapes.iso(before)
    return 200, body


def get_order_v2026(req: Request) -> tuple[int, dict]:
    order = _order_or_404(req)
    return 200, {"order": shapes.order_v2026(order, _included(req))}


def create_restricted_data_token(req: Request) -> tuple[int, dict]:
    """POST /tokens/2021-03-01/restrictedDataToken."""
    resources = req.body.get("restrictedResources")
    if not resources or not isinstance(resources, list):
        raise ApiError(
            400,
            "InvalidRequest",
            "Request is missing or has invalid parameters",
            "Resource not provided.",
        )
    if len(resources) > 50:
        raise ApiError(400, "InvalidRequest", "Request is missing or has invalid parameters")
    for resource in resources:
        if not isinstance(resource, dict) or not resource.get("method") or not resource.get("path"):
            raise ApiError(
                400,
                "InvalidRequest",
                "Request is missing or has invalid parameters",
                "Each resource needs a method and a path.",
            )
    token = req.state.issue_restricted_token(req.seller, resources)
    return 200, {"restrictedDataToken": token, "expiresIn": 3600}
