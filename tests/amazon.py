"""The Amazon sandbox for tests: a real `python -m sandbox serve` process on a free loopback
port (one per test session), reset before each test, with helpers for its control endpoints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "amzn1.application-oa2-client.sandbox"
CLIENT_SECRET = "sandbox-client-secret"


class Sandbox:
    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process = process
        self.url = url

    def control(self, method: str, name: str, data: dict | None = None):
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{name}", data=body, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def reset(self) -> None:
        self.control("POST", "reset")

    def requests(self, operation: str | None = None) -> list[dict]:
        entries = self.control("GET", "requests")
        return [e for e in entries if operation is None or e["operation"] == operation]

    def api_calls(self) -> list[dict]:
        """Every SP-API request (Login with Amazon excluded)."""
        return [e for e in self.requests() if e["operation"] != "lwaToken"]

    def fault(self, operation: str = "*", *, status: int = 0, delay: float = 0, times: int = 1):
        self.control(
            "POST",
            "faults",
            {"operation": operation, "status": status, "delay": delay, "times": times},
        )

    def rate_limits(self, **plans: tuple[float, int]) -> None:
        self.control(
            "POST", "rate-limits", {op: {"rate": r, "burst": b} for op, (r, b) in plans.items()}
        )

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advance_seconds": seconds})

    def orders(self) -> list[dict]:
        return self.control("GET", "orders")

    def opt_out(self, order_id: str) -> None:
        """The order's buyer opts out of unsolicited messages."""
        self.control("POST", "opt-outs", {"order_id": order_id})

    def expire_tokens(self) -> None:
        self.control("POST", "tokens/expire", {})

    def revoke(self, refresh_token: str) -> None:
        self.control("POST", "tokens/revoke", {"refresh_token": refresh_token})


def start_sandbox(*args: str) -> Sandbox:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"the sandbox did not start: {line}{process.stdout.read()}")
    return Sandbox(process, match.group(1))


@pytest.fixture(scope="session")
def sandbox_server():
    server = start_sandbox()
    yield server
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The running sandbox, with its log, faults, clock and rate limits reset."""
    sandbox_server.reset()
    return sandbox_server
