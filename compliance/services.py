"""What the product calls: check a draft and get findings in the agent's language.

This module may use Django (translation); the engine itself (`compliance.engine`, `rules`,
`types`) does not. Usage from a view or a task::

    findings = check_message(kind="reply", subject=..., body=..., buyer_language="de")
    if has_blocking(findings):
        ...  # refuse to send; show findings

Explanations and suggestions come back translated into the active language
(`django.utils.translation.override(user_language)` around the call chooses it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from compliance.engine import default_engine
from compliance.messages import TITLES
from compliance.types import Attachment, Channel, Context, Draft, Finding, Kind, Severity


@dataclass(frozen=True)
class CheckedFinding:
    """A finding ready for a template: rule, severity, where it is, and translated text.

    `field` is "subject", "body", "attachments" or "" (about the whole message); `start`/`end`
    index that field's text (for attachments, the attachment's position).
    """

    rule_id: str
    title: str
    severity: Severity
    field: str
    start: int | None
    end: int | None
    excerpt: str
    explanation: str
    suggestion: str

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK


def check_message(
    *,
    kind: str | Kind,
    subject: str = "",
    body: str = "",
    attachments: Iterable[Attachment] = (),
    buyer_opted_out: bool = False,
    days_since_delivery: int | None = None,
    review_requests_already_sent: int = 0,
    marked_important: bool = False,
    buyer_language: str | None = None,
    message_type: str | None = None,
    channel: str | Channel = Channel.SP_API,
    allowed_domains: Sequence[str] = (),
) -> list[CheckedFinding]:
    """Checks a draft against Amazon's messaging rules; findings in the active language.

    `kind` is "reply" or "proactive"; `body` must not contain quoted buyer text. The context
    arguments are those of rules.md section 1 (`message_type` is the SP-API messaging action for
    a proactive message, `channel` "sp_api" or "email", `allowed_domains` the seller's allow-list).
    """
    draft = Draft(
        kind=Kind(kind),
        subject=subject or "",
        body=body or "",
        context=Context(
            buyer_opted_out=buyer_opted_out,
            days_since_delivery=days_since_delivery,
            review_requests_already_sent=review_requests_already_sent,
            marked_important=marked_important,
            attachments=tuple(attachments),
            buyer_language=buyer_language or None,
            message_type=message_type or None,
            channel=Channel(channel),
            allowed_domains=tuple(allowed_domains),
        ),
    )
    return [translate(finding) for finding in default_engine().check(draft)]


def translate(finding: Finding) -> CheckedFinding:
    """Renders an engine finding in the active language."""
    explanation, suggestion = finding.render(gettext)
    span = finding.span
    return CheckedFinding(
        rule_id=finding.rule_id,
        title=gettext(TITLES.get(finding.rule_id, finding.rule_id)),
        severity=finding.severity,
        field=span.field if span else "",
        start=span.start if span else None,
        end=span.end if span else None,
        excerpt=finding.excerpt,
        explanation=explanation,
        suggestion=suggestion,
    )


def has_blocking(findings: Iterable[CheckedFinding | Finding]) -> bool:
    """True when any finding blocks sending (the send must be refused)."""
    return any(f.severity == Severity.BLOCK for f in findings)


def attachment(name: str, size_bytes: int | None, content_type: str = "") -> Attachment:
    """An attachment as the checker sees it (from an upload: name, size, content_type)."""
    return Attachment(name=name, size_bytes=size_bytes, content_type=content_type or "")
