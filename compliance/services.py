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
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext

from compliance.display import Panel, panel, warnings_confirmed, warnings_digest
from compliance.engine import default_engine
from compliance.messages import TITLES
from compliance.types import Attachment, Channel, Context, Draft, Finding, Kind, Severity

# The findings panel (compliance.display) is part of this API.
__all__ = [
    "CheckedFinding",
    "Panel",
    "attachment",
    "check_message",
    "has_blocking",
    "panel",
    "record_findings",
    "translate",
    "warnings_confirmed",
    "warnings_digest",
]


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


# --- What the product remembers of checks (the admin report) --------------------------------


def record_findings(
    findings: Iterable[CheckedFinding],
    *,
    seller_account_id: int,
    agent_id: int | None,
    outcome: str,
    source: str,
    source_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Store the findings of one check that mattered (see `compliance.models`); returns how
    many rows were written. Composer events count once per agent, text, rule and day: a later
    check of the same day only refreshes the excerpt.

    Call it inside the transaction of what it describes when there is one (a send, a template
    save), and outside the transaction that was rolled back when it describes a refusal.
    """
    from .models import EXCERPT_LENGTH, ComplianceEvent, Outcome

    at = at or timezone.now()
    day = at.astimezone(UTC).date()
    rows: dict[tuple[str, str], ComplianceEvent] = {}
    for finding in findings:
        key = (finding.rule_id, str(finding.severity))
        if key in rows:
            continue  # one row per rule and severity: three links are one training point
        rows[key] = ComplianceEvent(
            seller_account_id=seller_account_id,
            agent_id=agent_id,
            occurred_at=at,
            day=day,
            outcome=outcome,
            source=source,
            source_id=source_id,
            rule_id=finding.rule_id,
            severity=str(finding.severity),
            excerpt=" ".join(finding.excerpt.split())[:EXCERPT_LENGTH],
        )
    if outcome != Outcome.COMPOSER_BLOCKED:
        ComplianceEvent.objects.bulk_create(rows.values())
        return len(rows)
    written = 0
    for event in rows.values():
        same = ComplianceEvent.objects.filter(
            outcome=outcome,
            agent_id=agent_id,
            source=source,
            source_id=source_id,
            rule_id=event.rule_id,
            day=day,
        )
        if not same.update(occurred_at=at, excerpt=event.excerpt, severity=event.severity):
            written += len(ComplianceEvent.objects.bulk_create([event], ignore_conflicts=True))
    return written
