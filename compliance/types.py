"""Values that cross the compliance boundary: drafts in, findings out. Pure Python."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """A reply answers a buyer's thread; a proactive message is one the seller starts."""

    REPLY = "reply"
    PROACTIVE = "proactive"


class Severity(StrEnum):
    """`block`: the message must not be sent as written. `warn`: send after confirmation."""

    BLOCK = "block"
    WARN = "warn"


class Channel(StrEnum):
    """How a proactive message leaves: the SP-API Messaging API or e-mail to the buyer's alias."""

    SP_API = "sp_api"
    EMAIL = "email"


@dataclass(frozen=True)
class Attachment:
    name: str
    size_bytes: int | None = None
    content_type: str = ""


@dataclass(frozen=True)
class Context:
    """What the checker needs to know besides the text (rules.md section 1).

    `message_type` is the SP-API messaging action chosen for a proactive message (for example
    `confirmCustomizationDetails`); `None` means the purpose is judged from the text alone.
    `allowed_domains` is the seller's allow-list: links to them are a warning, not a block.
    """

    buyer_opted_out: bool = False
    days_since_delivery: int | None = None
    review_requests_already_sent: int = 0
    marked_important: bool = False
    attachments: tuple[Attachment, ...] = ()
    buyer_language: str | None = None
    message_type: str | None = None
    channel: Channel = Channel.SP_API
    allowed_domains: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Context:
        """Builds a context from the JSON shape of the labelled corpora (unknown keys ignored)."""
        data = data or {}
        attachments = tuple(
            Attachment(
                name=str(item.get("name", "")),
                size_bytes=_optional_int(item.get("size_bytes")),
                content_type=str(item.get("content_type") or ""),
            )
            for item in data.get("attachments") or ()
        )
        channel = data.get("channel") or Channel.SP_API
        return cls(
            buyer_opted_out=bool(data.get("buyer_opted_out", False)),
            days_since_delivery=_optional_int(data.get("days_since_delivery")),
            review_requests_already_sent=int(data.get("review_requests_already_sent") or 0),
            marked_important=bool(data.get("marked_important", False)),
            attachments=attachments,
            buyer_language=(data.get("buyer_language") or None),
            message_type=(data.get("message_type") or None),
            channel=Channel(channel),
            allowed_domains=tuple(data.get("allowed_domains") or ()),
        )


@dataclass(frozen=True)
class Draft:
    """A seller-authored message to check. Quoted buyer text must already be removed."""

    kind: Kind
    subject: str = ""
    body: str = ""
    context: Context = field(default_factory=Context)

    @classmethod
    def from_case(cls, case: Mapping[str, Any]) -> Draft:
        """Builds a draft from one case of the labelled corpora (kind, subject, body, context)."""
        return cls(
            kind=Kind(case.get("kind", Kind.REPLY)),
            subject=str(case.get("subject") or ""),
            body=str(case.get("body") or ""),
            context=Context.from_mapping(case.get("context")),
        )


@dataclass(frozen=True)
class Span:
    """Where a finding sits: `field` is `subject`, `body` or `attachments`; offsets index that field
    (for attachments, `start` is the attachment's position and `end` is `start + 1`)."""

    field: str
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """One broken rule.

    `explanation` and `suggestion` are English gettext message ids with `%(name)s` placeholders
    filled from `params`; `render` turns them into text through any translation function.
    """

    rule_id: str
    severity: Severity
    explanation: str
    suggestion: str
    span: Span | None = None
    excerpt: str = ""
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    def render(self, translate: Callable[[str], str] = str) -> tuple[str, str]:
        """Returns (explanation, suggestion) translated by `translate` and interpolated."""
        params = {"excerpt": self.excerpt, **self.params}
        return translate(self.explanation) % params, translate(self.suggestion) % params

    def as_dict(self) -> dict[str, Any]:
        explanation, suggestion = self.render()
        return {
            "rule": self.rule_id,
            "severity": str(self.severity),
            "span": None
            if self.span is None
            else {"field": self.span.field, "start": self.span.start, "end": self.span.end},
            "excerpt": self.excerpt,
            "explanation": explanation,
            "suggestion": suggestion,
        }


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)
