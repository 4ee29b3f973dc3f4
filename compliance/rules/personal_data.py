"""PERSONAL_INFO_REQUEST (rules.md 4.7, 5.11).

Asking for payment-card data, passwords or one-time codes, logins, identity documents, date of
birth, tax or social-security numbers. A photo of the item or label, the serial number, the order
id or the size wanted are fine. Negated mentions ("we will never ask for your password") are not
requests.
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity

RULE_IDS = ("PERSONAL_INFO_REQUEST",)


def check(doc: Document) -> list[Finding]:
    for concept in ("personal.sensitive", "personal.payment_card"):
        for m in doc.find(concept):
            if doc.negated(m.start, m.end):
                continue
            if _asked(doc, m.start):
                return [
                    doc.finding(
                        "PERSONAL_INFO_REQUEST",
                        Severity.BLOCK,
                        MESSAGES["PERSONAL_INFO_REQUEST"],
                        m.start,
                        m.end,
                    )
                ]
    return []


def _asked(doc: Document, offset: int) -> bool:
    """A request word in the sentence that is not itself negated ("there is no need to send us
    your password")."""
    start, end = doc.sentences.around(offset)
    return any(
        not doc.negated(r.start, r.end)
        for concept in ("grammar.request", "personal.request")
        for r in doc.find_in(concept, start, end)
    )
