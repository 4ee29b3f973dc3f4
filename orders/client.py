"""The one door to Amazon's Selling Partner API: the only module that imports `sp_api`.

Every call takes a token from the shared rate limiter first (`orders.ratelimit`), retries a
429 or a 5xx with exponential backoff and jitter (tenacity), follows the rate Amazon reports,
and turns Amazon's errors into the exceptions below. It knows nothing of the database: callers
pass a `Connection` and get plain dicts back.

python-amazon-sp-api has no base-URL setting: a `Connection` with endpoint overrides (the local
sandbox) points Login with Amazon there through `auth_token_client_class` and the API through
the client's `endpoint` attribute.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
from sp_api.api import Messaging, Orders, Solicitations, Tokens
from sp_api.auth import AccessTokenClient
from sp_api.auth import access_token_client as lwa_module
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import Marketplaces, SellingApiException
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiForbiddenException,
    SellingApiGatewayTimeoutException,
    SellingApiNotFoundException,
    SellingApiRequestThrottledException,
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
)
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from . import ratelimit
from .ratelimit import RateLimitWait

log = logging.getLogger(__name__)

RETRY_ATTEMPTS = 5
RETRY_BASE_SECONDS = 0.5  # backoff: random up to 0.5, 1, 2, 4 ... seconds
RETRY_MAX_SECONDS = 30.0
V2026 = "2026-01-01"
MARKETPLACES = {m.marketplace_id: m for m in Marketplaces}
REGION_MARKETPLACE = {"NA": Marketplaces.US, "EU": Marketplaces.DE, "FE": Marketplaces.JP}
# sp_api method per Messaging message type (the path suffix Amazon uses).
MESSAGE_METHODS = {
    "confirmCustomizationDetails": "confirm_customization_details",
    "confirmDeliveryDetails": "create_confirm_delivery_details",
    "legalDisclosure": "create_legal_disclosure",
    "confirmOrderDetails": "create_confirm_order_details",
    "confirmServiceDetails": "create_confirm_service_details",
    "warranty": "create_warranty",
    "digitalAccessKey": "create_digital_access_key",
    "unexpectedProblem": "create_unexpected_problem",
    "invoice": "send_invoice",
}
LWA_REAUTHORISE = {
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "unsupported_grant_type",
}


class AmazonError(Exception):
    """Amazon refused or failed a call; `code` and `message` are Amazon's own words."""

    def __init__(
        self, operation: str, message: str, *, code: str = "", status: int = 0, request_id: str = ""
    ) -> None:
        super().__init__(f"{operation}: {code + ': ' if code else ''}{message}")
        self.operation = operation
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id


class NeedsReauthorisation(AmazonError):
    """Login with Amazon refused the seller's credentials (revoked or wrong): a person must
    connect the account again. Never retried."""


class AccessDenied(AmazonError):
    """403: the app lacks a role, or the operation is not allowed for this order now."""


class NotFound(AmazonError):
    """404: no such order (or resource) for this seller."""


class InvalidRequest(AmazonError):
    """400: Amazon rejected the parameters."""


class Throttled(AmazonError):
    """429 QuotaExceeded, still after every retry."""


class AmazonUnavailable(AmazonError):
    """5xx, a timeout or a connection failure, still after every retry."""


class _TokenExpired(AmazonError):
    """The cached access token expired early; retried once with a fresh one."""


RETRIED = (Throttled, AmazonUnavailable, _TokenExpired)
# For calls that deliver something to a buyer: retried only when Amazon surely did nothing.
NOT_DELIVERED = (Throttled, _TokenExpired)


@dataclass(frozen=True)
class Connection:
    """Everything needed to call the SP-API for one seller account."""

    account_id: int
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    region: str
    marketplace_ids: tuple[str, ...]
    sp_api_endpoint: str = ""  # empty: Amazon's regional endpoint
    lwa_endpoint: str = ""  # empty: https://api.amazon.com
    timeout: float = 20.0

    @property
    def default_marketplace(self) -> Marketplaces:
        for marketplace_id in self.marketplace_ids:
            if marketplace_id in MARKETPLACES:
                return MARKETPLACES[marketplace_id]
        return REGION_MARKETPLACE.get(self.region, Marketplaces.US)


@dataclass
class Page:
    """One page of getOrders / searchOrders."""

    orders: list[dict]
    next_token: str | None
    before: str | None  # the window end Amazon used (CreatedBefore / lastUpdatedBefore)


@cache
def _lwa_class(scheme: str, host: str) -> type[AccessTokenClient]:
    return type("LocalLoginWithAmazon", (AccessTokenClient,), {"scheme": scheme, "host": host})


class SellingPartnerClient:
    """Calls for one seller account. Cheap to create; not shared between threads."""

    def __init__(self, connection: Connection, *, max_wait: float = 600.0) -> None:
        self.connection = connection
        self.max_wait = max_wait  # longest the limiter may make a call wait (else RateLimitWait)
        self._apis: dict[tuple, Any] = {}

    # --- plumbing --------------------------------------------------------------------------
    def _api(self, cls: type, marketplace_id: str | None = None, **extra: Any):
        """An sp_api client object, kept for this client's lifetime (its HTTP connection too)."""
        key = (cls, marketplace_id, tuple(sorted(extra.items())))
        if key not in self._apis:
            self._apis[key] = self._new_api(cls, marketplace_id, **extra)
        return self._apis[key]

    def _new_api(self, cls: type, marketplace_id: str | None = None, **extra: Any):
        conn = self.connection
        marketplace = MARKETPLACES.get(marketplace_id or "", conn.default_marketplace)
        options: dict[str, Any] = {}
        if conn.lwa_endpoint:
            url = urllib.parse.urlsplit(conn.lwa_endpoint)
            options["auth_token_client_class"] = _lwa_class(f"{url.scheme}://", url.netloc)
        api = cls(
            marketplace,
            credentials={
                "lwa_app_id": conn.client_id,
                "lwa_client_secret": conn.client_secret,
                "refresh_token": conn.refresh_token,
            },
            refresh_token=conn.refresh_token,
            timeout=conn.timeout,
            **options,
            **extra,
        )
        if conn.sp_api_endpoint:
            api.endpoint = conn.sp_api_endpoint.rstrip("/")
        return api

    def _call(
        self, operation: str, send: Callable[[], Any], retried: tuple[type, ...] = RETRIED
    ) -> Any:
        """Rate-limit, send, map errors; retry what is worth retrying (`retried`)."""
        retrying = Retrying(
            retry=retry_if_exception_type(retried),
            wait=wait_random_exponential(multiplier=RETRY_BASE_SECONDS, max=RETRY_MAX_SECONDS),
            stop=stop_after_attempt(RETRY_ATTEMPTS),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                ratelimit.acquire(self.connection.account_id, operation, self.max_wait)
                return self._once(operation, send)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, operation: str, send: Callable[[], Any]) -> Any:
        account_id = self.connection.account_id
        try:
            response = send()
        except AuthorizationError as error:
            raise _lwa_error(operation, error) from None
        except SellingApiException as error:
            if isinstance(error, SellingApiRequestThrottledException):
                ratelimit.throttled(account_id, operation)
            elif error.headers is not None:
                ratelimit.adopt_rate(
                    account_id, operation, error.headers.get("x-amzn-RateLimit-Limit")
                )
            mapped = _api_error(operation, error)
            if isinstance(mapped, _TokenExpired):
                self._forget_access_token()
            raise mapped from None
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise AmazonUnavailable(
                operation, f"no answer from Amazon ({error.__class__.__name__})"
            ) from None
        ratelimit.adopt_rate(account_id, operation, response.rate_limit)
        return response

    def _forget_access_token(self) -> None:
        # sp_api caches access tokens per process for 3200 s and never refreshes on a 403.
        digest = hashlib.md5(self.connection.refresh_token.encode(), usedforsecurity=False)
        lwa_module.cache.pop("access_token_" + digest.hexdigest(), None)

    # --- Login with Amazon -----------------------------------------------------------------
    def check_login(self) -> None:
        """Exchange the refresh token for an access token (always asks LWA, no cache)."""
        self._forget_access_token()
        api = self._api(Tokens)
        try:
            api.auth  # noqa: B018 - the property performs the token exchange
        except AuthorizationError as error:
            raise _lwa_error("lwaToken", error) from None
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise AmazonUnavailable("lwaToken", f"no answer ({error.__class__.__name__})") from None

    # --- Orders v2026-01-01 ----------------------------------------------------------------
    def search_orders(self, **filters: Any) -> Page:
        """One page of searchOrders; pass `paginationToken` for the next one."""
        api = self._api(Orders, version=V2026)
        response = self._call("searchOrders", lambda: api.search_orders(**filters))
        body = response.payload
        return Page(
            orders=body.get("orders", []),
            next_token=response.next_token,
            before=body.get("createdBefore") or body.get("lastUpdatedBefore"),
        )

    def get_order_2026(self, order_id: str, included_data: list[str]) -> dict:
        api = self._api(Orders, version=V2026)
        response = self._call(
            "getOrder2026", lambda: api.get_order(order_id, includedData=included_data)
        )
        return response.payload.get("order", {})

    # --- Orders v0 -------------------------------------------------------------------------
    def get_orders(self, *, restricted_data_token: str | None = None, **filters: Any) -> Page:
        """One page of getOrders; pass `NextToken` for the next one."""
        extra = {"restricted_data_token": restricted_data_token} if restricted_data_token else {}
        api = self._api(Orders, **extra)
        response = self._call("getOrders", lambda: api.get_orders(**filters))
        payload = response.payload
        return Page(
            orders=payload.get("Orders", []),
            next_token=payload.get("NextToken"),
            before=payload.get("CreatedBefore") or payload.get("LastUpdatedBefore"),
        )

    def get_order(self, order_id: str, *, restricted_data_token: str | None = None) -> dict:
        extra = {"restricted_data_token": restricted_data_token} if restricted_data_token else {}
        api = self._api(Orders, **extra)
        return self._call("getOrder", lambda: api.get_order(order_id)).payload

    def get_order_items(self, order_id: str) -> list[dict]:
        """Every item of the order, following NextToken pages."""
        api = self._api(Orders)
        items: list[dict] = []
        token: str | None = None
        while True:
            kwargs = {"NextToken": token} if token else {}
            payload = self._call(
                "getOrderItems", lambda kwargs=kwargs: api.get_order_items(order_id, **kwargs)
            ).payload
            items.extend(payload.get("OrderItems", []))
            token = payload.get("NextToken")
            if not token:
                return items

    def get_order_buyer_info(
        self, order_id: str, *, restricted_data_token: str | None = None
    ) -> dict:
        extra = {"restricted_data_token": restricted_data_token} if restricted_data_token else {}
        api = self._api(Orders, **extra)
        return self._call("getOrderBuyerInfo", lambda: api.get_order_buyer_info(order_id)).payload

    def get_order_address(self, order_id: str, *, restricted_data_token: str | None = None) -> dict:
        extra = {"restricted_data_token": restricted_data_token} if restricted_data_token else {}
        api = self._api(Orders, **extra)
        return self._call("getOrderAddress", lambda: api.get_order_address(order_id)).payload

    def create_restricted_data_token(self, resources: list[dict]) -> str:
        """A restricted data token for `resources` ({method, path, dataElements})."""
        api = self._api(Tokens)
        response = self._call(
            "createRestrictedDataToken",
            lambda: api.create_restricted_data_token(restrictedResources=resources),
        )
        return response.payload["restrictedDataToken"]

    # --- Messaging and Solicitations -------------------------------------------------------
    def messaging_actions(self, order_id: str, marketplace_id: str) -> list[str]:
        """The proactive message types Amazon allows for this order now."""
        api = self._api(Messaging, marketplace_id)
        response = self._call(
            "getMessagingActionsForOrder", lambda: api.get_messaging_actions_for_order(order_id)
        )
        return [a["name"] for a in response.payload.get("_links", {}).get("actions", [])]

    def buyer_attributes(self, order_id: str, marketplace_id: str) -> dict:
        """The buyer's attributes, e.g. {"locale": "de-DE"}."""
        api = self._api(Messaging, marketplace_id)
        response = self._call("getAttributes", lambda: api.get_attributes(order_id))
        return response.payload.get("buyer", {})

    def send_message(
        self, order_id: str, marketplace_id: str, message_type: str, body: dict
    ) -> None:
        """Send one proactive message of `message_type` (Amazon answers 201, empty)."""
        if message_type not in MESSAGE_METHODS:
            raise InvalidRequest("sendMessage", f"unknown message type {message_type!r}")
        api = self._api(Messaging, marketplace_id)
        method = getattr(api, MESSAGE_METHODS[message_type])
        # sp_api adds marketplace keys to the body dict it is given: hand it a copy. A 5xx or a
        # timeout may come after Amazon delivered the message: only refusals are retried.
        self._call("sendMessage", lambda: method(order_id, body=dict(body)), NOT_DELIVERED)

    def solicitation_actions(self, order_id: str, marketplace_id: str) -> list[str]:
        api = self._api(Solicitations, marketplace_id)
        response = self._call(
            "getSolicitationActionsForOrder",
            lambda: api.get_solicitation_actions_for_order(order_id),
        )
        return [a["name"] for a in response.payload.get("_links", {}).get("actions", [])]

    def request_review(self, order_id: str, marketplace_id: str) -> None:
        """Amazon's review and seller-feedback request (once per order, in its window)."""
        api = self._api(Solicitations, marketplace_id)
        # sp_api forgets the required marketplaceIds query parameter unless given explicitly.
        self._call(
            "createProductReviewAndSellerFeedbackSolicitation",
            lambda: api.create_product_review_and_seller_feedback_solicitation(
                order_id, marketplaceIds=marketplace_id
            ),
            NOT_DELIVERED,
        )


def _lwa_error(operation: str, error: AuthorizationError) -> AmazonError:
    code = str(getattr(error, "error_code", "") or "")
    message = str(getattr(error, "message", "") or "Login with Amazon refused the request")
    status = int(getattr(error, "status_code", 0) or 0)
    if code in LWA_REAUTHORISE or status in (400, 401, 403):
        return NeedsReauthorisation(operation, message, code=code or "lwa", status=status)
    return AmazonUnavailable(operation, message, code=code, status=status)


def _api_error(operation: str, error: SellingApiException) -> AmazonError:
    request_id = (error.headers or {}).get("x-amzn-RequestId", "") if error.headers else ""
    first = error.error[0] if error.error else {}
    code = str(first.get("code", "") or getattr(error, "amzn_code", "") or "")
    message = str(first.get("message", "") or getattr(error, "message", "") or error)
    details = str(first.get("details", "") or "")
    text = f"{message} {details}".strip()
    common = {"code": code, "status": error.code, "request_id": request_id}
    if isinstance(error, SellingApiRequestThrottledException):
        return Throttled(operation, text, **common)
    if isinstance(
        error,
        SellingApiServerException
        | SellingApiTemporarilyUnavailableException
        | SellingApiGatewayTimeoutException,
    ):
        return AmazonUnavailable(operation, text, **common)
    if isinstance(error, SellingApiForbiddenException):
        if "expired" in details:
            return _TokenExpired(operation, text, **common)
        if "revoked" in details:
            return NeedsReauthorisation(operation, text, **common)
        return AccessDenied(operation, text, **common)
    if isinstance(error, SellingApiNotFoundException):
        return NotFound(operation, text, **common)
    if isinstance(error, SellingApiBadRequestException):
        return InvalidRequest(operation, text, **common)
    return AmazonError(operation, text, **common)


__all__ = [
    "AccessDenied",
    "AmazonError",
    "AmazonUnavailable",
    "Connection",
    "InvalidRequest",
    "NeedsReauthorisation",
    "NotFound",
    "Page",
    "RateLimitWait",
    "SellingPartnerClient",
    "Throttled",
]
