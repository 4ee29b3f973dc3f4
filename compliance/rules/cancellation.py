"""CANCEL_REQUEST (rules.md 4.13).

Asking the buyer to cancel or to request the cancellation is not allowed: the seller cancels
with the right reason code. Explaining how to cancel to a buyer who asked ("if you want to
cancel, ...") is fine, and so is saying that the seller has cancelled.
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity

RULE_IDS = ("CANCEL_REQUEST",)


def check(doc: Document) -> list[Finding]:
    for m in doc.find("cancel.ask_buyer"):
        if doc.negated(m.start, m.end):
            continue
        s_start, _ = doc.sentences.around(m.start)
        if doc.find_in("cancel.conditional", s_start, m.start):
            continue
        return [
            doc.finding(
                "CANCEL_REQUEST", Severity.BLOCK, MESSAGES["CANCEL_REQUEST"], m.start, m.end
            )
        ]
    return []
