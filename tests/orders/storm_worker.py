"""A separate worker process for the rate-limit tests: makes N getOrder calls through the
shared limiter and prints what happened as JSON. Run: python -m tests.orders.storm_worker JSON"""

import json
import sys
import time

import django


def main() -> None:
    django.setup()
    from orders.client import Connection, SellingPartnerClient

    spec = json.loads(sys.argv[1])
    client = SellingPartnerClient(
        Connection(**spec["connection"], marketplace_ids=("A1PA6795UKMFR9",))
    )
    started = time.monotonic()
    done = 0
    for order_id in spec["order_ids"]:
        client.get_order_2026(order_id, [])
        done += 1
    print(json.dumps({"done": done, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
