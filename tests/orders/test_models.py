import pytest
from django.db import IntegrityError

from tests.factories import OrderFactory, OrderItemFactory, SellerAccountFactory


def test_an_order_id_is_stored_once_per_seller_account(db):
    order = OrderFactory()
    OrderFactory(amazon_order_id=order.amazon_order_id, seller_account=SellerAccountFactory())
    with pytest.raises(IntegrityError):
        OrderFactory(amazon_order_id=order.amazon_order_id, seller_account=order.seller_account)


def test_an_order_item_is_stored_once_per_order(db):
    item = OrderItemFactory()
    with pytest.raises(IntegrityError):
        OrderItemFactory(order=item.order, order_item_id=item.order_item_id)
