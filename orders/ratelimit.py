"""One token bucket per (seller account, SP-API operation), shared by every worker process.

Amazon throttles each operation per selling partner and app with a token bucket (a rate of
requests per second refilling up to a burst). We keep a matching bucket in Redis and take a
token before every call, so however many Celery workers run, together they never send more
than Amazon's usage plan allows. The bucket is updated by one Lua script (atomic in Redis) that
*reserves* a token: a caller learns how long to wait and then calls, without polling.

We run slightly under Amazon's plan (a safety margin on rate and burst) because our clock and
Amazon's are not the same and a request reaches Amazon a little after we take its token.
When Amazon reports its current rate in `x-amzn-RateLimit-Limit`, the bucket adopts it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

# Amazon's default usage plans (requests per second, burst) for the operations we call.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "searchOrders": (0.0056, 20),
    "getOrder2026": (0.5, 30),
    "createRestrictedDataToken": (1.0, 10),
    "getMessagingActionsForOrder": (1.0, 5),
    "getAttributes": (1.0, 5),
    "sendMessage": (1.0, 5),
    "getSolicitationActionsForOrder": (1.0, 5),
    "createProductReviewAndSellerFeedbackSolicitation": (1.0, 5),
}
RATE_MARGIN = 0.9  # use 90 % of the rate Amazon grants
BURST_MARGIN = 1  # and one token less than its burst
KEY_TTL_SECONDS = 24 * 3600

# KEYS[1]: the bucket. ARGV: default rate, burst, max seconds the caller will wait, TTL.
# Returns the seconds to wait before calling (as a string: Lua numbers lose their fraction in
# Redis replies), or minus the wait when it would exceed the caller's limit; then no token is
# taken.
_RESERVE = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate')
local burst = tonumber(ARGV[2])
local rate = tonumber(state[3]) or tonumber(ARGV[1])
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
  if wait > tonumber(ARGV[3]) then
    return '-' .. tostring(wait)
  end
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now), 'rate', tostring(rate))
redis.call('EXPIRE', KEYS[1], ARGV[4])
return tostring(wait)
"""

# KEYS[1]: the bucket. ARGV: new rate or "" to keep it, "1" to empty the bucket, burst, TTL.
_ADJUST = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if ARGV[1] ~= '' then
  local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate')
  if state[3] then
    local tokens = math.min(tonumber(ARGV[3]),
      tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * tonumber(state[3]))
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
  end
  redis.call('HSET', KEYS[1], 'rate', ARGV[1])
end
if ARGV[2] == '1' then
  local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or '0')
  redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tokens, 0)), 'ts', tostring(now))
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


class RateLimitWait(Exception):
    """Calling now would exceed the usage plan and the caller would rather not wait that long."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(f"{operation}: the next call is allowed in {seconds:.0f} s")
        self.operation = operation
        self.seconds = seconds


@dataclass(frozen=True)
class Plan:
    rate: float
    burst: int


def plan(operation: str) -> Plan:
    """Our share of Amazon's default plan for `operation` (with the safety margins)."""
    rate, burst = USAGE_PLANS[operation]
    return Plan(rate * RATE_MARGIN, max(1, burst - BURST_MARGIN))


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _redis() -> redis.Redis:
    return _client(settings.REDIS_URL)


def _key(account_id: int, operation: str) -> str:
    return f"helpdesk:spapi:bucket:{account_id}:{operation}"


def reserve(account_id: int, operation: str, max_wait: float = 600.0) -> float:
    """Take a token for one call; returns the seconds the caller must sleep before calling.

    Raises RateLimitWait (taking nothing) when that would be longer than `max_wait`.
    """
    bucket = plan(operation)
    result = _redis().eval(
        _RESERVE,
        1,
        _key(account_id, operation),
        bucket.rate,
        bucket.burst,
        max_wait,
        KEY_TTL_SECONDS,
    )
    wait = float(result)
    if wait < 0:
        raise RateLimitWait(operation, -wait)
    return wait


def acquire(account_id: int, operation: str, max_wait: float = 600.0) -> float:
    """Reserve a token and sleep until it is ours; returns the seconds slept."""
    wait = reserve(account_id, operation, max_wait)
    if wait > 0:
        time.sleep(wait)
    return wait


def adopt_rate(account_id: int, operation: str, header: str | None) -> None:
    """Follow the rate Amazon reports in `x-amzn-RateLimit-Limit` (requests per second)."""
    try:
        rate = float(header) if header else 0.0
    except ValueError:
        return
    if rate <= 0:
        return
    _adjust(account_id, operation, rate=rate * RATE_MARGIN)


def throttled(account_id: int, operation: str) -> None:
    """Amazon answered 429: its bucket is empty, so ours must be too (every worker waits)."""
    _adjust(account_id, operation, empty=True)


def _adjust(account_id: int, operation: str, *, rate: float | None = None, empty: bool = False):
    _redis().eval(
        _ADJUST,
        1,
        _key(account_id, operation),
        "" if rate is None else repr(rate),
        "1" if empty else "0",
        plan(operation).burst,
        KEY_TTL_SECONDS,
    )


def forget(account_id: int) -> None:
    """Drop every bucket of the account (after its credentials changed)."""
    client = _redis()
    keys = list(client.scan_iter(match=_key(account_id, "*")))
    if keys:
        client.delete(*keys)
