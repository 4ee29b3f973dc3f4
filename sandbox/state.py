"""What the sandbox remembers: its clock, the orders, issued tokens, rate buckets, injected faults,
sent messages and the log of every request. One instance per server, shared by its threads."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import catalogue
from .catalogue import CatalogueOrder

ACCESS_TOKEN_SECONDS = 3600

# Amazon's default usage plans (requests per second, burst), per selling partner and app.
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


@dataclass
class AccessToken:
    seller: str  # the refresh token it was issued for: one selling partner + app
    expires_at: float
    restricted: list[dict] | None = None  # RDT: the resources it covers


@dataclass
class Fault:
    """An injected misbehaviour for the next `times` requests of `operation` ("*" for any)."""

    operation: str
    status: int = 0  # 500 / 503: answer with Amazon's error body
    delay: float = 0.0  # seconds to wait before answering
    times: int = 1


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass
class SandboxState:
    seed: int = 7
    count: int = 2000
    anchor: datetime = field(default_factory=catalogue.default_anchor)
    client_id: str = "amzn1.application-oa2-client.sandbox"
    client_secret: str = "sandbox-client-secret"  # noqa: S105 - the sandbox app's own
    rate_scale: float = 1.0

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.base = catalogue.generate(seed=self.seed, count=self.count, anchor=self.anchor)
        self.base_by_id = {order.order_id: order for order in self.base}
        self._arrivals: list[CatalogueOrder] = []
        self._arrivals_until = self.anchor
        self.reset()

    def reset(self) -> None:
        """Forget everything a test did: log, faults, tokens, buckets, clock, sent messages."""
        with self.lock:
            self.clock_offset = 0.0
            self.tokens: dict[str, AccessToken] = {}
            self.revoked: set[str] = set()
            self.buckets: dict[tuple[str, str], Bucket] = {}
            self.rate_overrides: dict[str, tuple[float, int]] = {}
            self.faults: list[Fault] = []
            self.log: list[dict] = []
            self.messages_sent: list[dict] = []
            self.solicited: set[str] = set()
            # Orders whose buyer opted out of unsolicited messages (set by tests and the demo).
            self.opted_out: set[str] = set()

    # --- time and orders -------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset)

    def orders(self) -> list[CatalogueOrder]:
        """Every order as it stands now, sorted by purchase time."""
        now = self.now()
        with self.lock:
            if now > self._arrivals_until:
                self._arrivals = catalogue.arrivals(self.seed, self.count, self.anchor, now)
                self._arrivals_until = now
            arrivals = [o for o in self._arrivals if o.purchased_at <= now]
        return [catalogue.at(o, now) for o in self.base if o.purchased_at <= now] + [
            catalogue.at(o, now) for o in arrivals
        ]

    def order(self, order_id: str) -> CatalogueOrder | None:
        now = self.now()
        found = self.base_by_id.get(order_id)
        if found is None:
            self.orders()  # brings the arrivals up to now
            with self.lock:
                found = next((o for o in self._arrivals if o.order_id == order_id), None)
        if found is None or found.purchased_at > now:
            return None
        return catalogue.at(found, now)

    # --- credentials ----------------------------------------------------------------------
    def issue_access_token(self, seller: str) -> str:
        token = "Atza|" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = AccessToken(seller, time.time() + ACCESS_TOKEN_SECONDS)
        return token

    def issue_restricted_token(self, seller: str, resources: list[dict]) -> str:
        token = "Atz.sprdt|" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = AccessToken(
                seller, time.time() + ACCESS_TOKEN_SECONDS, restricted=resources
            )
        return token

    def expire_tokens(self) -> int:
        """Make every access token issued so far expired (as if an hour had passed)."""
        with self.lock:
            for token in self.tokens.values():
                token.expires_at = 0
            return len(self.tokens)

    def revoke(self, refresh_token: str) -> None:
        with self.lock:
            self.revoked.add(refresh_token)

    # --- rate limits ----------------------------------------------------------------------
    def plan(self, operation: str) -> tuple[float, int]:
        if operation in self.rate_overrides:
            return self.rate_overrides[operation]
        rate, burst = USAGE_PLANS[operation]
        return rate * self.rate_scale, burst

    def take(self, seller: str, operation: str) -> bool:
        """Take one token from the seller's bucket for `operation`; False means throttled."""
        rate, burst = self.plan(operation)
        now = time.monotonic()
        with self.lock:
            bucket = self.buckets.setdefault((seller, operation), Bucket(float(burst), now))
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return True
            return False

    # --- faults and the log ---------------------------------------------------------------
    def next_fault(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.operation in (operation, "*"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def record(self, entry: dict) -> None:
        with self.lock:
            entry["seq"] = len(self.log) + 1
            self.log.append(entry)
