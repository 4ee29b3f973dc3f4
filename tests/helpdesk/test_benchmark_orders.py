"""The order benchmark runs end to end on a small scale and reaches the lower bound."""

import re
from io import StringIO

from django.core.management import call_command


def test_benchmark_reaches_the_lower_bound_in_both_versions(db):
    out = StringIO()
    call_command(
        "benchmark_orders", "--threads", "40", "--orders", "16", "--workers", "1", stdout=out
    )
    rows = [line.split() for line in out.getvalue().splitlines() if re.match(r"(v0|2026)", line)]
    assert [row[0] for row in rows] == ["2026-01-01", "v0"]
    for _version, _workers, calls, bound, ratio, throttled, _seconds, *check in rows:
        assert calls == bound and ratio == "1.000" and throttled == "0", rows
        assert " ".join(check).startswith("all orders stored, all threads linked")
