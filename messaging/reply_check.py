"""The compliance gate of the send path: the one place the server checks what an agent wrote
before it leaves or is saved.

`queue_reply` in `messaging/services.py` calls `check_reply` inside the transaction that would
queue the reply and refuses to queue when any finding blocks, or when warnings were not
confirmed; the composer shows every finding in its findings area as the agent types (the same
function behind the live check). Reply templates go through `check_template` when saved.

The draft is mapped to the engine's input here: the body without the buyer's text the agent
quoted (blanked, so every span still points into what the agent sees), the attachments, and
the context from the thread and its order (kind reply, days since delivery, review requests
already sent for the order, the buyer's language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from compliance import services as compliance
from compliance.models import Outcome, Source
from orders import proactive as order_proactive

from .ingest.text import QUOTE_HEADER
from .models import Direction, Thread
from .placeholders import PLACEHOLDER_RE, PLACEHOLDERS

BLOCK = "block"
WARN = "warn"
BUYER_TEXT_LIMIT = 50  # newest buyer messages a quote is looked for in
_ALIAS = re.compile(r"@marketplace\.amazon\.", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"^\s*>+\s?")


@dataclass(frozen=True)
class DraftAttachment:
    name: str
    size_bytes: int
    content_type: str


@dataclass(frozen=True)
class Finding:
    """One problem the checker found in a draft, ready for the composer."""

    rule_id: str
    severity: str  # BLOCK or WARN
    explanation: str
    start: int | None = None  # span in the checked text, when the finding has one
    end: int | None = None
    title: str = ""
    suggestion: str = ""
    excerpt: str = ""
    field: str = "body"  # "body", "attachments" or "" (the whole message)

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK


def check_reply(thread: Thread, text: str, attachments: list[DraftAttachment]) -> list[Finding]:
    """Check a draft reply on `thread` against Amazon's messaging rules.

    Returns the findings, blocking ones first (then in the engine's order). Spans index `text`
    as given. Quoted buyer text is not checked: the buyer's own phone number, quoted back, is
    not the seller's mistake.
    """
    order = thread.order
    findings = compliance.check_message(
        kind="reply",
        body=without_quoted_buyer_text(thread, text),
        attachments=[
            compliance.attachment(a.name, a.size_bytes, a.content_type) for a in attachments
        ],
        days_since_delivery=order_proactive.days_since_delivery(order, timezone.now()),
        review_requests_already_sent=order_proactive.review_requests_sent(order),
        buyer_language=(thread.language or "")[:2] or None,
        channel="email",
    )
    return _ordered([_finding(f) for f in findings])


def check_template(body: str, language: str) -> list[Finding]:
    """Check a reply template as a reply in `language`; placeholders stand for neutral sample
    values (spans still point into `body`)."""
    text, positions = _with_sample_values(body)
    findings = compliance.check_message(
        kind="reply", body=text, buyer_language=(language or "")[:2] or None, channel="email"
    )
    mapped = []
    for f in findings:
        finding = _finding(f)
        if finding.start is not None and finding.field == "body":
            start, end = positions(finding.start, finding.end)
            finding = Finding(**{**finding.__dict__, "start": start, "end": end})
        mapped.append(finding)
    return _ordered(mapped)


def check_proactive(
    text: str,
    *,
    message_type: str,
    buyer_opted_out: bool,
    days_since_delivery: int | None,
    review_requests_already_sent: int,
    buyer_language: str | None,
) -> list[Finding]:
    """Check the text of a proactive message of `message_type` (an SP-API Messaging type)."""
    findings = compliance.check_message(
        kind="proactive",
        body=text,
        buyer_opted_out=buyer_opted_out,
        days_since_delivery=days_since_delivery,
        review_requests_already_sent=review_requests_already_sent,
        buyer_language=(buyer_language or "")[:2] or None,
        message_type=order_proactive.ENGINE_NAMES.get(message_type, message_type) or None,
        channel="sp_api",
    )
    return _ordered([_finding(f) for f in findings])


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocks]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.blocks]


def warnings_confirmed(findings: list[Finding], confirmation: str) -> bool:
    """True when nothing warns, or `confirmation` names exactly the current warnings."""
    return compliance.warnings_confirmed(findings, confirmation)


def record_refused_reply(thread: Thread, agent_id: int | None, findings: list[Finding]) -> None:
    """Remember a reply the server refused (call it outside the rolled-back transaction)."""
    compliance.record_findings(
        findings,
        seller_account_id=thread.seller_account_id,
        agent_id=agent_id,
        outcome=Outcome.SEND_REFUSED,
        source=Source.REPLY,
        source_id=thread.pk,
    )


def record_sent_with_warnings(thread: Thread, agent_id: int | None, findings: list[Finding]):
    compliance.record_findings(
        findings,
        seller_account_id=thread.seller_account_id,
        agent_id=agent_id,
        outcome=Outcome.SENT_WITH_WARNINGS,
        source=Source.REPLY,
        source_id=thread.pk,
    )


def record_proactive(
    seller_account_id: int, agent_id: int | None, order_id: int, outcome: str, findings
) -> None:
    compliance.record_findings(
        findings,
        seller_account_id=seller_account_id,
        agent_id=agent_id,
        outcome=outcome,
        source=Source.PROACTIVE,
        source_id=order_id,
    )


def record_template(
    seller_account_id: int,
    agent_id: int | None,
    template_id: int | None,
    findings: list[Finding],
    *,
    refused: bool,
) -> None:
    """Remember a template save that was refused (call it outside the rolled-back
    transaction) or that went through with warnings."""
    compliance.record_findings(
        findings,
        seller_account_id=seller_account_id,
        agent_id=agent_id,
        outcome=Outcome.TEMPLATE_REFUSED if refused else Outcome.TEMPLATE_WARNED,
        source=Source.TEMPLATE,
        source_id=template_id,
    )


def record_composer_blocked(
    seller_account_id: int, agent_id: int, source: str, source_id: int, findings: list[Finding]
) -> None:
    """Remember what the live check stopped (once per agent, text, rule and day)."""
    compliance.record_findings(
        blocking(findings),
        seller_account_id=seller_account_id,
        agent_id=agent_id,
        outcome=Outcome.COMPOSER_BLOCKED,
        source=source,
        source_id=source_id,
    )


# --- Quoted buyer text ------------------------------------------------------------------------


def without_quoted_buyer_text(thread: Thread, text: str) -> str:
    """`text` with the buyer's quoted words blanked out (same length, same line breaks).

    A line counts as quoted when it starts with ">" or follows a quote header ("On ... wrote:")
    *and* its words appear in one of the buyer's messages on this thread: whatever the agent
    writes in a quote of their own is still checked. A quote header is blanked when it names
    no address but the buyer's Amazon alias.
    """
    lines = text.split("\n")
    candidates = []
    in_quote = False
    for index, line in enumerate(lines):
        if QUOTE_HEADER.match(line) and index > 0:
            in_quote = True
            if "@" not in line or (_ALIAS.search(line) and line.count("@") == 1):
                candidates.append((index, ""))
            continue
        marked = _QUOTE_MARK.match(line)
        if marked or in_quote:
            candidates.append((index, line[marked.end() :] if marked else line))
    if not candidates:
        return text
    buyer_words = _buyer_words(thread)
    for index, quoted in candidates:
        words = " ".join(quoted.split())
        if not words or words in buyer_words:
            lines[index] = re.sub(r"[^\n]", " ", lines[index])
    return "\n".join(lines)


def _buyer_words(thread: Thread) -> str:
    texts = (
        thread.messages.filter(direction=Direction.INBOUND)
        .order_by("-occurred_at", "-id")
        .values_list("text", flat=True)[:BUYER_TEXT_LIMIT]
    )
    return "\n".join(" ".join(t.split()) for t in texts)


# --- Templates: placeholders as neutral sample values -----------------------------------------

# What a placeholder stands for while a template is checked: plain words the rules ignore.
SAMPLE_VALUES = {
    "buyer_name": "Alex",
    "order_id": "302-0000000-0000000",
    "item_title": "item",
    "marketplace": "Amazon",
    "agent_name": "Sam",
    "seller_name": "Shop",
    "ship_date": "1 March",
    "delivery_date": "3 March",
}


def _with_sample_values(body: str):
    """`body` with known placeholders replaced, and a function mapping a span of the result
    back to `body` (a span touching a replaced value covers the whole placeholder)."""
    pieces: list[tuple[int, int, int, int]] = []  # (new_start, new_end, old_start, old_end)
    out: list[str] = []
    position = new_position = 0
    for match in PLACEHOLDER_RE.finditer(body):
        if match.group(1) not in PLACEHOLDERS:
            continue
        literal = body[position : match.start()]
        out.append(literal)
        new_position += len(literal)
        value = SAMPLE_VALUES.get(match.group(1), "x")
        out.append(value)
        pieces.append((new_position, new_position + len(value), match.start(), match.end()))
        new_position += len(value)
        position = match.end()
    out.append(body[position:])

    def to_body(offset: int, *, end: bool) -> int:
        shift = 0
        for new_start, new_end, old_start, old_end in pieces:
            if offset < new_start or (end and offset == new_start):
                break
            if offset < new_end or (end and offset == new_end):
                return old_end if end else old_start
            shift = old_end - new_end
        return offset + shift

    def positions(start: int, end: int | None) -> tuple[int, int | None]:
        return to_body(start, end=False), None if end is None else to_body(end, end=True)

    return "".join(out), positions


def _finding(checked: compliance.CheckedFinding) -> Finding:
    return Finding(
        rule_id=checked.rule_id,
        severity=str(checked.severity),
        explanation=checked.explanation,
        start=checked.start,
        end=checked.end,
        title=checked.title,
        suggestion=checked.suggestion,
        excerpt=checked.excerpt,
        field=checked.field,
    )


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: not f.blocks)  # stable: engine order within each
