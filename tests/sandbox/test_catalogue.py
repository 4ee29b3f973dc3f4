import re
from datetime import UTC, datetime

from sandbox.catalogue import generate

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)


def test_same_seed_and_anchor_give_the_same_orders():
    assert generate(seed=3, count=200, anchor=ANCHOR) == generate(seed=3, count=200, anchor=ANCHOR)
    assert generate(seed=3, count=50, anchor=ANCHOR) != generate(seed=4, count=50, anchor=ANCHOR)


def test_orders_look_like_amazons():
    orders = generate(count=500, anchor=ANCHOR)
    assert len({o.order_id for o in orders}) == 500
    assert all(re.fullmatch(r"\d{3}-\d{7}-\d{7}", o.order_id) for o in orders)
    assert all(
        re.fullmatch(r"[a-z0-9]{15}@marketplace\.amazon\.[a-z.]+", o.buyer_alias) for o in orders
    )
    assert {o.fulfillment_channel for o in orders} == {"AFN", "MFN"}
    assert len({o.status for o in orders}) >= 6
    assert len({o.country_code for o in orders}) == 10
    assert all(o.purchased_at <= o.last_updated_at <= ANCHOR for o in orders)
    assert all(o.delivered_at is None or o.status == "Shipped" for o in orders)
    assert [o.purchased_at for o in orders] == sorted(o.purchased_at for o in orders)


def test_items_are_titled_in_the_marketplace_language():
    german = next(o for o in generate(count=200, anchor=ANCHOR) if o.country_code == "DE")
    assert german.currency == "EUR"
    assert german.total == sum(i.unit_price * i.quantity for i in german.items)
    assert any(
        word in german.items[0].title
        for word in (
            "Edelstahl",
            "Keramik",
            "LED",
            "Baumwolle",
            "Küchen",
            "Kopfhörer",
            "Yoga",
            "Lade",
        )
    )
