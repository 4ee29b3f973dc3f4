"""ATTACHMENT_TYPE, ATTACHMENT_SIZE, ATTACHMENT_COUNT (rules.md 4.23-4.25).

The allow-list, block-list, content types and limits live in `compliance/data/attachments.toml`.
Promotional attachments (catalogue, flyer) are MARKETING, reported by `rules/marketing.py`.
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Attachment, Finding, Severity, Span
from compliance.vocab import data_file

RULE_IDS = ("ATTACHMENT_TYPE", "ATTACHMENT_SIZE", "ATTACHMENT_COUNT")

_NEUTRAL_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def extension(name: str) -> str:
    stem, dot, ext = name.strip().lower().rpartition(".")
    return ext if dot and stem else ""


def type_verdict(attachment: Attachment) -> Severity | None:
    """BLOCK for a forbidden or disguised file, WARN for an unconfirmed type, None when fine."""
    policy = data_file("attachments.toml")
    allowed, blocked = set(policy["allowed"]), set(policy["blocked"])
    name = attachment.name.strip().lower()
    ext = extension(name)
    declared = attachment.content_type.strip().lower().split(";")[0].strip()
    # A double extension hides the real one (manual.pdf.exe); a blocked inner one is suspicious.
    inner = [part for part in name.split(".")[1:-1] if part in blocked]
    if ext in blocked or inner or declared in set(policy["blocked_content_types"]):
        return Severity.BLOCK
    if ext in allowed:
        expected = policy["content_types"].get(ext, [])
        if declared in _NEUTRAL_TYPES or declared in expected:
            return None
        return Severity.BLOCK
    return Severity.WARN


def check(doc: Document) -> list[Finding]:
    attachments = doc.context.attachments
    if not attachments:
        return []
    policy = data_file("attachments.toml")
    findings: list[Finding] = []
    for index, attachment in enumerate(attachments):
        verdict = type_verdict(attachment)
        if verdict is None:
            continue
        key = "ATTACHMENT_TYPE" if verdict is Severity.BLOCK else "ATTACHMENT_TYPE_UNCONFIRMED"
        explanation, suggestion = MESSAGES[key]
        findings.append(
            Finding(
                "ATTACHMENT_TYPE",
                verdict,
                explanation,
                suggestion,
                span=Span("attachments", index, index + 1),
                excerpt=attachment.name,
            )
        )
    total = sum(a.size_bytes or 0 for a in attachments)
    if total > policy["limits"]["max_total_bytes"]:
        findings.append(
            doc.finding(
                "ATTACHMENT_SIZE",
                Severity.BLOCK,
                MESSAGES["ATTACHMENT_SIZE"],
                size=f"{total / 1048576:.1f}",
            )
        )
    limit = policy["limits"]["max_count_proactive"]
    if doc.proactive and len(attachments) > limit:
        findings.append(
            doc.finding(
                "ATTACHMENT_COUNT",
                Severity.BLOCK,
                MESSAGES["ATTACHMENT_COUNT"],
                count=str(len(attachments)),
            )
        )
    return findings
