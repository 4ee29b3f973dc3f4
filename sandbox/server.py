"""The sandbox's HTTP server: Amazon's paths on one loopback port, plus `/_sandbox/...` control
endpoints that tests use to read the request log, inject faults and move the clock.

A plain `http.server` on purpose: it ignores the Host header, which python-amazon-sp-api
gets wrong for http:// endpoints.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import messaging_api, orders_api
from .api import ApiError, Request
from .state import Fault, SandboxState

Handler = Callable[[Request], tuple[int, dict | None]]
ORDER = r"(?P<order_id>[0-9A-Za-z-]+)"
ROUTES: list[tuple[str, re.Pattern, str, Handler]] = [
    (m, re.compile(f"^{p}$"), op, h)
    for m, p, op, h in [
        ("GET", "/orders/v0/orders", "getOrders", orders_api.get_orders),
        ("GET", f"/orders/v0/orders/{ORDER}", "getOrder", orders_api.get_order_v0),
        (
            "GET",
            f"/orders/v0/orders/{ORDER}/orderItems",
            "getOrderItems",
            orders_api.get_order_items,
        ),
        (
            "GET",
            f"/orders/v0/orders/{ORDER}/buyerInfo",
            "getOrderBuyerInfo",
            orders_api.get_order_buyer_info,
        ),
        (
            "GET",
            f"/orders/v0/orders/{ORDER}/address",
            "getOrderAddress",
            orders_api.get_order_address,
        ),
        ("GET", "/orders/2026-01-01/orders", "searchOrders", orders_api.search_orders),
        ("GET", f"/orders/2026-01-01/orders/{ORDER}", "getOrder2026", orders_api.get_order_v2026),
        (
            "POST",
            "/tokens/2021-03-01/restrictedDataToken",
            "createRestrictedDataToken",
            orders_api.create_restricted_data_token,
        ),
        (
            "GET",
            f"/messaging/v1/orders/{ORDER}",
            "getMessagingActionsForOrder",
            messaging_api.get_messaging_actions,
        ),
        (
            "GET",
            f"/messaging/v1/orders/{ORDER}/attributes",
            "getAttributes",
            messaging_api.get_attributes,
        ),
        (
            "POST",
            f"/messaging/v1/orders/{ORDER}/messages/(?P<message_type>[A-Za-z]+)",
            "sendMessage",
            messaging_api.send_message,
        ),
        (
            "GET",
            f"/solicitations/v1/orders/{ORDER}",
            "getSolicitationActionsForOrder",
            messaging_api.get_solicitation_actions,
        ),
        (
            "POST",
            f"/solicitations/v1/orders/{ORDER}/solicitations/productReviewAndSellerFeedback",
            "createProductReviewAndSellerFeedbackSolicitation",
            messaging_api.create_review_solicitation,
        ),
    ]
]
FAULTS = {
    500: ("InternalFailure", "We encountered an internal error. Please try again."),
    503: ("ServiceUnavailable", "Service is temporarily unavailable. Please try again."),
}
DENIED = "Access to requested resource is denied."


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, SandboxHandler)
        self.state = state


class SandboxHandler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log endpoint replaces the access log

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    # --- plumbing --------------------------------------------------------------------------
    def _send(self, status: int, body: dict | list | None, headers: dict | None = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        content_type = "application/json"
        if self.path.startswith(("/messaging/", "/solicitations/")):
            content_type = "application/hal+json"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        raw = self._read_body()
        state = self.server.state
        if parsed.path.startswith("/_sandbox/"):
            self._control(method, parsed.path, query, raw)
            return
        if parsed.path == "/auth/o2/token" and method == "POST":
            status, body = self._token_exchange(raw)
            state.record(_entry(method, parsed.path, query, "lwaToken", status, {}))
            self._send(status, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})
            return
        try:
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                body = {}
        except ValueError:
            body = {}
        request = Request(state, method, parsed.path, query, body)
        self._api(request)

    def _api(self, request: Request) -> None:
        state = request.state
        request_id = str(uuid.uuid4())
        headers = {"x-amzn-RequestId": request_id}
        operation, handler = "unknown", None
        for route_method, pattern, name, route_handler in ROUTES:
            match = pattern.match(request.path)
            if match and route_method == request.method:
                operation, handler = name, route_handler
                request.params = match.groupdict()
                break
        status, body = 404, None
        try:
            if handler is None:
                raise ApiError(404, "NotFound", "The requested resource doesn't exist.")
            fault = state.next_fault(operation)
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and fault.status:
                code, message = FAULTS.get(fault.status, ("InternalFailure", "Internal error."))
                raise ApiError(fault.status, code, message)
            request.token = self._authenticate(request)
            if not state.take(request.seller, operation):
                raise ApiError(
                    429, "QuotaExceeded", "You exceeded your quota for the requested resource."
                )
            status, body = handler(request)
        except ApiError as error:
            status, body = error.status, error.body()
        if status in (200, 201, 400, 404) and handler is not None:
            rate, _ = state.plan(operation)
            headers["x-amzn-RateLimit-Limit"] = f"{rate:g}"
        state.record(
            _entry(request.method, request.path, request.query, operation, status, request.body)
            | {"request_id": request_id, "seller": request.seller}
        )
        self._send(status, body, headers)

    def _authenticate(self, request: Request):
        value = self.headers.get("x-amz-access-token")
        state = request.state
        if not value:
            raise ApiError(
                403, "Unauthorized", DENIED, "Access token is missing in the request header."
            )
        token = state.tokens.get(value)
        if token is None or token.seller in state.revoked:
            raise ApiError(
                403,
                "Unauthorized",
                DENIED,
                "The access token you provided is revoked, malformed or invalid.",
            )
        if token.expires_at < time.time():
            raise ApiError(
                403, "Unauthorized", DENIED, "The access token you provided has expired."
            )
        return token

    def _token_exchange(self, raw: bytes) -> tuple[int, dict]:
        """Login with Amazon: the refresh-token grant, with LWA's OAuth-style errors."""
        state = self.server.state
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(errors="replace")).items()}
        fault = state.next_fault("lwaToken")
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            return fault.status, {"error": "server_error", "error_description": "Internal error"}
        if form.get("grant_type") != "refresh_token":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "Unsupported grant type",
            }
        if (
            form.get("client_id") != state.client_id
            or form.get("client_secret") != state.client_secret
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
            }
        refresh = form.get("refresh_token", "")
        if not refresh.startswith("Atzr|") or refresh in state.revoked:
            return 400, {
                "error": "invalid_grant",
                "error_description": "The request has an invalid grant parameter : refresh_token. "
                "User may have revoked or didn't grant the permission.",
            }
        token = state.issue_access_token(refresh)
        return 200, {
            "access_token": token,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": 3600,
        }

    # --- control endpoints -----------------------------------------------------------------
    def _control(self, method: str, path: str, query: dict, raw: bytes) -> None:
        state = self.server.state
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            self._send(400, {"error": "body must be JSON"})
            return
        name = path.removeprefix("/_sandbox/")
        if name == "health":
            self._send(200, {"status": "ok", "orders": len(state.base)})
        elif name == "requests" and method == "GET":
            since = int((query.get("since") or ["0"])[0])
            with state.lock:
                self._send(200, [entry for entry in state.log if entry["seq"] > since])
        elif name == "requests" and method == "DELETE":
            with state.lock:
                state.log.clear()
            self._send(200, {"cleared": True})
        elif name == "reset" and method == "POST":
            state.reset()
            self._send(200, {"reset": True})
        elif name == "faults" and method == "POST":
            fault = Fault(
                operation=data.get("operation", "*"),
                status=int(data.get("status", 0)),
                delay=float(data.get("delay", 0)),
                times=int(data.get("times", 1)),
            )
            with state.lock:
                state.faults.append(fault)
            self._send(200, {"queued": len(state.faults)})
        elif name == "tokens/expire" and method == "POST":
            self._send(200, {"expired": state.expire_tokens()})
        elif name == "tokens/revoke" and method == "POST":
            state.revoke(data["refresh_token"])
            self._send(200, {"revoked": True})
        elif name == "rate-limits" and method == "POST":
            with state.lock:
                for operation, plan in data.items():
                    state.rate_overrides[operation] = (float(plan["rate"]), int(plan["burst"]))
            self._send(200, {"rate_limits": {k: list(v) for k, v in state.rate_overrides.items()}})
        elif name == "clock" and method == "POST":
            with state.lock:
                state.clock_offset += float(data.get("advance_seconds", 0))
            self._send(200, {"now": state.now().isoformat()})
        elif name == "clock":
            self._send(200, {"now": state.now().isoformat()})
        elif name == "orders" and method == "GET":
            self._send(200, [_summary(order) for order in state.orders()])
        elif name == "opt-outs" and method == "POST":
            with state.lock:
                state.opted_out.add(str(data["order_id"]))
            self._send(200, {"opted_out": sorted(state.opted_out)})
        elif name == "messages" and method == "GET":
            with state.lock:
                self._send(200, list(state.messages_sent))
        else:
            self._send(404, {"error": f"no control endpoint {method} {path}"})


def _entry(method: str, path: str, query: dict, operation: str, status: int, body: dict) -> dict:
    return {
        "at": datetime.now(UTC).isoformat(),
        "method": method,
        "path": path,
        "query": query,
        "operation": operation,
        "status": status,
        "body": body,
    }


def _summary(order) -> dict:
    return {
        "order_id": order.order_id,
        "marketplace_id": order.marketplace_id,
        "status": order.status,
        "purchased_at": order.purchased_at.isoformat(),
        "last_updated_at": order.last_updated_at.isoformat(),
        "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
        "buyer_alias": order.buyer_alias,
    }


def serve(state: SandboxState, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """A server bound to (host, port); call `serve_forever()` on it."""
    return SandboxServer((host, port), state)
