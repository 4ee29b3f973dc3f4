"""The real python-amazon-sp-api client, through orders.client, against the running sandbox:
every Orders operation in both API versions, paging, and the Tokens API."""

from datetime import UTC, datetime, timedelta

import pytest

from orders.client import InvalidRequest, NotFound, SellingPartnerClient
from orders.services import connection_for
from tests.factories import DE, UK


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def since(days: int) -> str:
    return iso(datetime.now(UTC) - timedelta(days=days))


def client(account) -> SellingPartnerClient:
    return SellingPartnerClient(connection_for(account))


def sandbox_orders(sandbox, days: int, marketplaces=(DE, UK)) -> list[dict]:
    start = datetime.now(UTC) - timedelta(days=days)
    return [
        o
        for o in sandbox.orders()
        if o["marketplace_id"] in marketplaces
        and datetime.fromisoformat(o["purchased_at"]) >= start
    ]


def test_search_orders_pages_through_every_order_of_the_window(v2026_account, sandbox):
    api = client(v2026_account)
    expected = {o["order_id"] for o in sandbox_orders(sandbox, 20)}
    filters = {"createdAfter": since(20), "marketplaceIds": [DE, UK], "maxResultsPerPage": 25}
    seen, token, pages = [], None, 0
    while True:
        page = api.search_orders(**filters, **({"paginationToken": token} if token else {}))
        seen += [o["orderId"] for o in page.orders]
        pages += 1
        token = page.next_token
        if not token:
            break
    assert len(expected) > 25 and set(seen) == expected and len(seen) == len(expected)
    calls = sandbox.requests("searchOrders")
    assert len(calls) == pages == -(-len(expected) // 25)
    assert "paginationToken" in calls[1]["query"] and "paginationToken" not in calls[0]["query"]
    assert all(o["orderItems"] for o in page.orders)  # items always come with v2026 orders


def test_get_order_2026_returns_items_and_the_data_asked_for(v2026_account, sandbox):
    shipped = next(o for o in sandbox_orders(sandbox, 60) if o["status"] == "Shipped")
    order = client(v2026_account).get_order_2026(shipped["order_id"], ["BUYER", "RECIPIENT"])
    assert order["orderId"] == shipped["order_id"]
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["buyer"]["buyerName"] and order["recipient"]["deliveryAddress"]["city"]
    assert order["orderItems"][0]["product"]["asin"].startswith("B0")
    bare = client(v2026_account).get_order_2026(shipped["order_id"], [])
    assert "buyer" not in bare and "recipient" not in bare
    (call,) = sandbox.requests("getOrder2026")[:1]
    assert call["query"]["includedData"] == ["BUYER,RECIPIENT"]


def test_get_orders_v0_pages_with_next_token(v0_account, sandbox):
    api = client(v0_account)
    expected = {o["order_id"] for o in sandbox_orders(sandbox, 20)}
    filters = {"CreatedAfter": since(20), "MarketplaceIds": [DE, UK], "MaxResultsPerPage": 30}
    seen, token = [], None
    while True:
        page = api.get_orders(**filters, **({"NextToken": token} if token else {}))
        seen += [o["AmazonOrderId"] for o in page.orders]
        token = page.next_token
        if not token:
            break
    assert set(seen) == expected and len(seen) == len(expected)
    assert len(sandbox.requests("getOrders")) == -(-len(expected) // 30)


def test_get_orders_v0_by_last_updated_after(v0_account, sandbox):
    cutoff = datetime.now(UTC) - timedelta(days=3)
    expected = {
        o["order_id"]
        for o in sandbox.orders()
        if o["marketplace_id"] in (DE, UK)
        and datetime.fromisoformat(o["last_updated_at"]) >= cutoff
    }
    page = client(v0_account).get_orders(LastUpdatedAfter=iso(cutoff), MarketplaceIds=[DE, UK])
    assert {o["AmazonOrderId"] for o in page.orders} == expected
    assert page.before  # Amazon says up to when it looked: the next sync starts there


def test_get_orders_v0_by_order_ids_takes_at_most_fifty(v0_account, sandbox):
    ids = [o["order_id"] for o in sandbox_orders(sandbox, 120)][:51]
    api = client(v0_account)
    page = api.get_orders(AmazonOrderIds=ids[:50], CreatedAfter=since(700), MarketplaceIds=[DE, UK])
    assert {o["AmazonOrderId"] for o in page.orders} == set(ids[:50])
    with pytest.raises(InvalidRequest) as error:
        api.get_orders(AmazonOrderIds=ids, CreatedAfter=since(700), MarketplaceIds=[DE, UK])
    assert error.value.code == "InvalidInput" and error.value.status == 400


def test_v0_order_items_buyer_info_and_address_without_and_with_a_restricted_token(
    v0_account, sandbox
):
    shipped = next(o for o in sandbox_orders(sandbox, 60) if o["status"] == "Shipped")
    order_id = shipped["order_id"]
    api = client(v0_account)
    order = api.get_order(order_id)
    assert order["AmazonOrderId"] == order_id and order["OrderStatus"] == "Shipped"
    assert "AddressLine1" not in order["ShippingAddress"]  # personal data needs an RDT
    items = api.get_order_items(order_id)
    assert items and items[0]["ASIN"] and items[0]["QuantityOrdered"] >= 1
    assert "BuyerName" not in api.get_order_buyer_info(order_id)
    assert "Name" not in api.get_order_address(order_id)["ShippingAddress"]

    token = api.create_restricted_data_token(
        [
            {"method": "GET", "path": f"/orders/v0/orders/{order_id}/address"},
            {"method": "GET", "path": f"/orders/v0/orders/{order_id}/buyerInfo"},
        ]
    )
    assert token.startswith("Atz.sprdt|")
    address = api.get_order_address(order_id, restricted_data_token=token)["ShippingAddress"]
    assert address["Name"] and address["AddressLine1"]
    assert api.get_order_buyer_info(order_id, restricted_data_token=token)["BuyerName"]
    rdt_calls = [e for e in sandbox.requests("getOrderAddress")]
    assert len(rdt_calls) == 2


def test_restricted_data_token_needs_resources(v0_account, sandbox):
    with pytest.raises(InvalidRequest) as error:
        client(v0_account).create_restricted_data_token([])
    assert error.value.code == "InvalidRequest"


def test_unknown_order_is_not_found_in_both_versions(v0_account, sandbox):
    api = client(v0_account)
    with pytest.raises(NotFound) as error:
        api.get_order("999-0000000-0000000")
    assert error.value.request_id
    with pytest.raises(NotFound):
        api.get_order_2026("999-0000000-0000000", [])


def test_responses_carry_request_id_and_rate_limit_headers(v0_account, sandbox):
    client(v0_account).get_orders(CreatedAfter=since(1), MarketplaceIds=[DE])
    (call,) = sandbox.requests("getOrders")
    assert call["status"] == 200 and call["request_id"]
