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


def test_open_orders_ship_and_arrive_as_time_passes():
    from datetime import timedelta

    from sandbox.catalogue import at

    orders = generate(count=300, anchor=ANCHOR)
    unshipped = next(o for o in orders if o.status == "Unshipped")
    assert at(unshipped, ANCHOR) == unshipped
    shipped = at(unshipped, unshipped.ships_at)
    assert shipped.status == "Shipped" and shipped.last_updated_at == unshipped.ships_at
    assert all(i.quantity_shipped == i.quantity for i in shipped.items)
    arrived = at(unshipped, unshipped.arrives_at + timedelta(hours=1))
    assert arrived.delivered_at == unshipped.arrives_at
    assert arrived.last_updated_at == unshipped.arrives_at


def test_new_orders_arrive_day_by_day_the_same_way():
    from datetime import timedelta

    from sandbox.catalogue import arrivals

    two_days = arrivals(7, 2000, ANCHOR, ANCHOR + timedelta(days=2))
    one_day = arrivals(7, 2000, ANCHOR, ANCHOR + timedelta(days=1))
    assert one_day == [o for o in two_days if o.purchased_at <= ANCHOR + timedelta(days=1)]
    assert all(ANCHOR < o.purchased_at <= ANCHOR + timedelta(days=2) for o in two_days)
    assert {o.status for o in two_days} <= {
        "Pending",
        "Unshipped",
        "PendingAvailability",
        "Canceled",
    }
