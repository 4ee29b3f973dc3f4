"""IMPORTANT_MISUSE, PROACTIVE_NOT_PERMITTED, PROACTIVE_WINDOW, PROACTIVE_OPTED_OUT and
ORDER_ID_MISSING (rules.md 4.15-4.18, 4.26, 5.6, 5.7, section 6).

A proactive message needs a permitted purpose (6.1): a problem with the order, information needed
to complete it, a return question, an invoice, one review request, delivery scheduling, a custom
design to verify, a legal disclosure. It is critical (6.2) when the buyer cannot receive the
order without it: customization, delivery scheduling, an address problem, an unexpected problem,
a legal disclosure; a message that also asks for a review or promotes something is not critical.
The purpose comes from the SP-API message type when the context names one, else from the text,
ignoring courtesy phrases such as "if you have any questions, we are here to help".
"""

from __future__ import annotations

import re

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.rules.marketing import marketing_span
from compliance.rules.reviews import solicitations
from compliance.types import Channel, Finding, Severity

RULE_IDS = (
    "IMPORTANT_MISUSE",
    "PROACTIVE_NOT_PERMITTED",
    "PROACTIVE_WINDOW",
    "PROACTIVE_OPTED_OUT",
    "ORDER_ID_MISSING",
)

# SP-API Messaging action names (rules.md 6.1): which are critical, which merely permitted.
CRITICAL_TYPES = frozenset(
    {
        "confirmCustomizationDetails",
        "confirmDeliveryDetails",
        "unexpectedProblem",
        "legalDisclosure",
    }
)
PERMITTED_TYPES = CRITICAL_TYPES | {
    "confirmOrderDetails",
    "confirmServiceDetails",
    "digitalAccessKey",
    "warranty",
    "sendInvoice",
    "amazonMotors",
    "negativeFeedbackRemoval",
    "productReviewAndSellerFeedback",
}
CRITICAL_PURPOSES = (
    "purpose.customization",
    "purpose.delivery_scheduling",
    "purpose.address_problem",
    "purpose.unexpected_problem",
    "purpose.legal",
)
OTHER_PURPOSES = ("purpose.invoice", "purpose.return", "purpose.info_request", "purpose.warranty")

_MARKER = re.compile(r"\[\s*important\s*\]", re.IGNORECASE)
_ORDER_ID = re.compile(r"(?<!\d)\d{3}-\d{7}-\d{7}(?!\d)")


def _courtesy(doc: Document) -> list[tuple[int, int]]:
    return doc.memo("courtesy", lambda: [m.span for m in doc.find("purpose.courtesy")])


def _purpose_matches(doc: Document, concepts: tuple[str, ...]) -> list[str]:
    courtesy = _courtesy(doc)
    # a question inside a promotion ("would you like to see our new range?") is no purpose
    promo = marketing_span(doc)
    promo_sentence = doc.sentences.around(promo[0]) if promo is not None else (-1, -1)
    found = []
    for concept in concepts:
        for m in doc.find(concept):
            if any(s <= m.start < e for s, e in courtesy):
                continue
            # an address problem is said with a negation ("no flat number", "не указан номер")
            if concept != "purpose.address_problem" and doc.negated(m.start, m.end):
                continue
            if promo_sentence[0] <= m.start < promo_sentence[1]:
                continue
            found.append(concept)
            break
    return found


def is_critical(doc: Document) -> bool:
    def compute() -> bool:
        message_type = doc.context.message_type
        if message_type:
            return message_type in CRITICAL_TYPES
        if solicitations(doc) or marketing_span(doc) is not None:
            return False
        return bool(_purpose_matches(doc, CRITICAL_PURPOSES))

    return doc.memo("critical", compute)


def is_permitted(doc: Document) -> bool:
    message_type = doc.context.message_type
    if message_type:
        return message_type in PERMITTED_TYPES
    if solicitations(doc):
        return True
    return bool(_purpose_matches(doc, CRITICAL_PURPOSES + OTHER_PURPOSES))


def marked_important(doc: Document) -> bool:
    return doc.context.marked_important or bool(_MARKER.search(doc.draft.subject))


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    ctx = doc.context
    if marked_important(doc) and not is_critical(doc):
        findings.append(
            doc.finding("IMPORTANT_MISUSE", Severity.BLOCK, MESSAGES["IMPORTANT_MISUSE"])
        )
    if not doc.proactive:
        return findings
    if not is_permitted(doc):
        findings.append(
            doc.finding(
                "PROACTIVE_NOT_PERMITTED", Severity.BLOCK, MESSAGES["PROACTIVE_NOT_PERMITTED"]
            )
        )
    if ctx.days_since_delivery is not None and ctx.days_since_delivery > 30:
        findings.append(
            doc.finding(
                "PROACTIVE_WINDOW",
                Severity.BLOCK,
                MESSAGES["PROACTIVE_WINDOW"],
                days=str(ctx.days_since_delivery),
            )
        )
    if ctx.buyer_opted_out and not is_critical(doc):
        findings.append(
            doc.finding("PROACTIVE_OPTED_OUT", Severity.WARN, MESSAGES["PROACTIVE_OPTED_OUT"])
        )
    if ctx.channel is Channel.EMAIL and not _ORDER_ID.search(
        doc.draft.subject + " " + doc.draft.body
    ):
        findings.append(
            doc.finding("ORDER_ID_MISSING", Severity.WARN, MESSAGES["ORDER_ID_MISSING"])
        )
    return findings
