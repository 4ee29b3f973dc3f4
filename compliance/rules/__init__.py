"""Rule families, one module per family of rules.md section 3.

Each module exposes `RULE_IDS` (the ids it can report) and `check(doc) -> list[Finding]`.
"""

from __future__ import annotations

from compliance.rules import (
    attachments,
    cancellation,
    contact,
    diversion,
    formatting,
    language,
    links,
    marketing,
    personal_data,
    proactive,
    reviews,
)

FAMILIES = (
    links,
    contact,
    diversion,
    personal_data,
    marketing,
    reviews,
    cancellation,
    proactive,
    formatting,
    language,
    attachments,
)

RULE_IDS: tuple[str, ...] = tuple(rule_id for family in FAMILIES for rule_id in family.RULE_IDS)
