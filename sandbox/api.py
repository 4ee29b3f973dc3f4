"""Shared pieces of the emulated operations: the request as handlers see it, Amazon's error
envelope, query-parameter helpers and the paging token."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime

from .state import AccessToken, SandboxState

INVALID_INPUT = "The input you have submitted is not valid. Please check your input and try again."


class ApiError(Exception):
    """Answer with Amazon's error body `{"errors": [{code, message, details}]}`."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self) -> dict:
        return {"errors": [{"code": self.code, "message": self.message, "details": self.details}]}


def invalid(details: str = "", message: str = INVALID_INPUT) -> ApiError:
    return ApiError(400, "InvalidInput", message, details)


def not_found() -> ApiError:
    return ApiError(404, "NotFound", "The requested resource doesn't exist.")


@dataclass
class Request:
    state: SandboxState
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict
    params: dict[str, str] = field(default_factory=dict)  # from the path
    token: AccessToken | None = None

    @property
    def seller(self) -> str:
        return self.token.seller if self.token else ""

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def many(self, name: str) -> list[str]:
        """An array parameter: Amazon's csv form and repeated keys both work."""
        result = []
        for value in self.query.get(name, []):
            result.extend(part for part in value.split(",") if part)
        return result

    def date(self, name: str) -> datetime | None:
        value = self.one(name)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise invalid(f"Invalid date-time field(s) [{name}].") from None
        if moment.tzinfo is None:
            raise invalid(f"Invalid date-time field(s) [{name}].")
        return moment

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.one(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid(f"{name} must be a number.") from None
        if not low <= number <= high:
            raise invalid(f"{name} must be between {low} and {high}.")
        return number


def encode_token(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode().rstrip("=")


def decode_token(token: str) -> dict:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise invalid("Invalid NextToken.") from None
    if not isinstance(data, dict):
        raise invalid("Invalid NextToken.")
    return data
