"""Messaging API v1 and Solicitations API v1: which proactive messages an order allows, the
buyer's locale, sending them, and the once-per-order review request inside its window."""

from __future__ import annotations

from datetime import timedelta

from . import shapes
from .api import ApiError, Request, invalid, not_found
from .catalogue import CatalogueOrder

# message type -> (text length limit, 0 when the type takes no text; attachments required)
MESSAGE_TYPES: dict[str, tuple[int, bool]] = {
    "confirmCustomizationDetails": (800, False),
    "confirmDeliveryDetails": (2000, False),
    "legalDisclosure": (0, True),
    "confirmOrderDetails": (2000, False),
    "confirmServiceDetails": (2000, False),
    "warranty": (0, True),
    "digitalAccessKey": (400, False),
    "unexpectedProblem": (2000, False),
    "invoice": (0, True),
    "negativeFeedbackRemoval": (0, False),
    "amazonMotors": (0, False),
}
NOT_AVAILABLE = "Invalid amazonOrderId and template combination."


def _order(req: Request) -> CatalogueOrder:
    order = req.state.order(req.params["order_id"])
    if order is None:
        raise not_found()
    return order


def _marketplace(req: Request, order: CatalogueOrder) -> str:
    marketplace = req.one("marketplaceIds")
    if not marketplace:
        raise invalid("", "Missing or invalid request parameters: [marketplaceIds]")
    if marketplace != order.marketplace_id:
        raise not_found()
    return marketplace


# Types that reach a buyer who opted out of unsolicited messages: Amazon labels the first two
# critical; customization and delivery questions reach them per Seller Central help. Amazon does
# not say how the API treats opted-out buyers; the sandbox offers them only these types.
CRITICAL_MESSAGES = (
    "legalDisclosure",
    "unexpectedProblem",
    "confirmCustomizationDetails",
    "confirmDeliveryDetails",
)


def available_messages(order: CatalogueOrder, opted_out: bool = False) -> list[str]:
    """The message types this order allows now (Amazon decides by order state and by whether
    the buyer opted out of unsolicited messages)."""
    types = _by_state(order)
    return [t for t in types if t in CRITICAL_MESSAGES] if opted_out else types


def _by_state(order: CatalogueOrder) -> list[str]:
    if order.status in ("Canceled", "Unfulfillable"):
        return ["unexpectedProblem"]
    types = ["legalDisclosure", "unexpectedProblem", "warranty"]
    if order.status in ("Pending", "Unshipped", "PartiallyShipped", "PendingAvailability"):
        types += ["confirmOrderDetails", "confirmCustomizationDetails"]
        if order.fulfillment_channel == "MFN":
            types.append("confirmDeliveryDetails")
    else:
        types.append("invoice")
        if order.fulfillment_channel == "MFN" and order.delivered_at is None:
            types.append("confirmDeliveryDetails")
    return types


def _hal(base: str, marketplace: str, names: list[str], kind: str) -> dict:
    query = f"?marketplaceIds={marketplace}"
    actions = [{"href": f"{base}/{kind}/{name}{query}", "name": name} for name in names]
    return {
        "_links": {"self": {"href": base + query}, "actions": actions},
        "_embedded": {
            "actions": [
                {
                    "_links": {
                        "self": action,
                        "schema": {
                            "href": f"{base}/{kind}/{action['name']}/schema",
                            "name": action["name"],
                        },
                    }
                }
                for action in actions
            ]
        },
    }


def get_messaging_actions(req: Request) -> tuple[int, dict]:
    order = _order(req)
    marketplace = _marketplace(req, order)
    base = f"/messaging/v1/orders/{order.order_id}"
    opted_out = order.order_id in req.state.opted_out
    return 200, _hal(base, marketplace, available_messages(order, opted_out), "messages")


def get_attributes(req: Request) -> tuple[int, dict]:
    order = _order(req)
    _marketplace(req, order)
    return 200, {"buyer": {"locale": shapes.buyer_locale(order)}}


def send_message(req: Request) -> tuple[int, dict | None]:
    order = _order(req)
    _marketplace(req, order)
    kind = req.params["message_type"]
    if kind not in MESSAGE_TYPES:
        raise not_found()
    if kind not in available_messages(order, order.order_id in req.state.opted_out):
        raise ApiError(403, "Unauthorized", NOT_AVAILABLE, "")
    text_limit, needs_attachments = MESSAGE_TYPES[kind]
    text = req.body.get("text")
    attachments = req.body.get("attachments") or []
    if text_limit and (not isinstance(text, str) or not 1 <= len(text) <= text_limit):
        raise invalid(f"text must be 1 to {text_limit} characters.", "Invalid Input")
    if not isinstance(attachments, list) or len(attachments) > 5:
        raise invalid("At most 5 attachments.", "Invalid Input")
    if needs_attachments and not attachments:
        raise invalid("attachments are required.", "Invalid Input")
    for attachment in attachments:
        if not isinstance(attachment, dict) or not {"uploadDestinationId", "fileName"} <= set(
            attachment
        ):
            raise invalid(
                "Each attachment needs uploadDestinationId and fileName.", "Invalid Input"
            )
    with req.state.lock:
        req.state.messages_sent.append(
            {"order_id": order.order_id, "type": kind, "text": text, "attachments": attachments}
        )
    return 201, None


def _review_window_open(req: Request, order: CatalogueOrder) -> bool:
    now = req.state.now()
    return order.status == "Shipped" and order.earliest_delivery_date + timedelta(
        days=5
    ) <= now <= order.latest_delivery_date + timedelta(days=30)


def _review_allowed(req: Request, order: CatalogueOrder) -> bool:
    return order.order_id not in req.state.solicited and _review_window_open(req, order)


def get_solicitation_actions(req: Request) -> tuple[int, dict]:
    order = _order(req)
    marketplace = _marketplace(req, order)
    names = ["productReviewAndSellerFeedback"] if _review_allowed(req, order) else []
    base = f"/solicitations/v1/orders/{order.order_id}"
    body = _hal(base, marketplace, names, "solicitations")
    del body["_embedded"]
    return 200, body


def create_review_solicitation(req: Request) -> tuple[int, dict | None]:
    order = _order(req)
    _marketplace(req, order)
    with req.state.lock:
        if not _review_allowed(req, order):
            # Amazon only says "an unexpected API error"; we answer like a template mismatch.
            details = (
                "A solicitation was already sent for this order."
                if order.order_id in req.state.solicited
                else "The order is outside the 5 to 30 day solicitation window."
            )
            raise ApiError(403, "Unauthorized", NOT_AVAILABLE, details)
        req.state.solicited.add(order.order_id)
    return 201, None
