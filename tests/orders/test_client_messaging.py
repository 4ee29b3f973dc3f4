"""Messaging and Solicitations through the real client against the sandbox."""

from datetime import UTC, datetime, timedelta

import pytest

from orders.client import AccessDenied, InvalidRequest, SellingPartnerClient
from orders.services import connection_for
from tests.factories import DE, UK


def client(account) -> SellingPartnerClient:
    return SellingPartnerClient(connection_for(account))


def an_order(sandbox, status: str, **extra) -> dict:
    return next(
        o
        for o in sandbox.orders()
        if o["marketplace_id"] in (DE, UK)
        and o["status"] == status
        and all(o.get(k) == v for k, v in extra.items())
    )


def test_messaging_actions_depend_on_the_order(v2026_account, sandbox):
    api = client(v2026_account)
    unshipped = an_order(sandbox, "Unshipped")
    cancelled = an_order(sandbox, "Canceled")
    assert "confirmOrderDetails" in api.messaging_actions(
        unshipped["order_id"], unshipped["marketplace_id"]
    )
    assert api.messaging_actions(cancelled["order_id"], cancelled["marketplace_id"]) == [
        "unexpectedProblem"
    ]
    (call, _) = sandbox.requests("getMessagingActionsForOrder")
    assert call["query"]["marketplaceIds"] == [unshipped["marketplace_id"]]


def test_buyer_attributes_give_the_locale(v2026_account, sandbox):
    german = an_order(sandbox, "Shipped", marketplace_id=DE)
    assert client(v2026_account).buyer_attributes(german["order_id"], DE) == {"locale": "de-DE"}


def test_send_message_reaches_amazon_once_and_leaves_the_body_alone(v2026_account, sandbox):
    order = an_order(sandbox, "Unshipped")
    body = {"text": "Ihre Sendung verzögert sich um zwei Tage."}
    client(v2026_account).send_message(
        order["order_id"], order["marketplace_id"], "unexpectedProblem", body
    )
    assert body == {"text": "Ihre Sendung verzögert sich um zwei Tage."}
    (sent,) = sandbox.control("GET", "messages")
    assert sent["type"] == "unexpectedProblem" and sent["order_id"] == order["order_id"]
    (call,) = sandbox.requests("sendMessage")
    assert call["status"] == 201
    assert call["path"].endswith(f"/orders/{order['order_id']}/messages/unexpectedProblem")


def test_a_message_type_the_order_does_not_allow_is_refused(v2026_account, sandbox):
    order = an_order(sandbox, "Canceled")
    with pytest.raises(AccessDenied) as error:
        client(v2026_account).send_message(
            order["order_id"], order["marketplace_id"], "confirmOrderDetails", {"text": "Hello"}
        )
    assert "template combination" in error.value.message
    assert sandbox.control("GET", "messages") == []


def test_a_too_long_text_is_invalid_input(v2026_account, sandbox):
    order = an_order(sandbox, "Unshipped")
    with pytest.raises(InvalidRequest):
        client(v2026_account).send_message(
            order["order_id"], order["marketplace_id"], "unexpectedProblem", {"text": "x" * 2001}
        )


def test_review_request_only_inside_the_window_and_only_once(v2026_account, sandbox):
    api = client(v2026_account)
    now = datetime.now(UTC)
    orders = [
        o for o in sandbox.orders() if o["marketplace_id"] in (DE, UK) and o["status"] == "Shipped"
    ]
    in_window = next(
        o
        for o in orders
        if o["delivered_at"]
        and now - timedelta(days=20)
        < datetime.fromisoformat(o["delivered_at"])
        < now - timedelta(days=8)
    )
    too_old = next(
        o for o in orders if datetime.fromisoformat(o["purchased_at"]) < now - timedelta(days=80)
    )
    order_id, marketplace = in_window["order_id"], in_window["marketplace_id"]
    assert api.solicitation_actions(order_id, marketplace) == ["productReviewAndSellerFeedback"]
    api.request_review(order_id, marketplace)
    assert api.solicitation_actions(order_id, marketplace) == []
    with pytest.raises(AccessDenied):
        api.request_review(order_id, marketplace)
    assert api.solicitation_actions(too_old["order_id"], too_old["marketplace_id"]) == []
    with pytest.raises(AccessDenied):
        api.request_review(too_old["order_id"], too_old["marketplace_id"])
    calls = sandbox.requests("createProductReviewAndSellerFeedbackSolicitation")
    assert [c["status"] for c in calls] == [201, 403, 403]
    assert all(c["query"]["marketplaceIds"] for c in calls)
