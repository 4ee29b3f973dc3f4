"""DIVERT_OFF_AMAZON (rules.md 4.6, 5.5, 5.11, 5.15).

Fires on calls to buy elsewhere ("order directly from our web shop", "cheaper on our site"), on
payments or refunds through another channel (PayPal, bank transfer, Pix, card-to-card), on asking
for bank details or a payment key, and on quotes or bulk sales arranged outside Amazon. Refunds
and replacements through Amazon are allowed.
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.phones import find_phones
from compliance.rules.contact import off_platform_spans
from compliance.rules.links import emails, external_urls
from compliance.types import Finding, Severity

RULE_IDS = ("DIVERT_OFF_AMAZON",)


def buy_elsewhere_spans(doc: Document) -> list[tuple[int, int]]:
    """Calls to buy outside Amazon (MARKETING is added when a price advantage goes with one)."""
    return doc.memo(
        "buy_elsewhere",
        lambda: [
            m.span for m in doc.find("divert.buy_elsewhere") if not doc.negated(m.start, m.end)
        ],
    )


def via_amazon(doc: Document, offset: int) -> bool:
    """True when the sentence around `offset` says the money goes through Amazon, not when it
    sets Amazon aside ("instead of waiting for Amazon", "sem passar pela Amazon")."""
    s_start, s_end = doc.sentences.around(offset)
    for m in doc.find_in("divert.through_amazon", s_start, s_end):
        if doc.negated(m.start, m.end):
            continue
        c_start, _ = doc.clauses.around(m.start)
        if doc.find_in("divert.contrast", max(c_start, m.start - 40), m.start):
            continue
        return True
    return False


def divert_spans(doc: Document) -> list[tuple[int, int]]:
    def compute() -> list[tuple[int, int]]:
        spans = list(buy_elsewhere_spans(doc))
        for m in doc.find("divert.payment_channel"):
            if doc.negated(m.start, m.end) or via_amazon(doc, m.start):
                continue
            if doc.sentence_has("divert.money_action", m.start):
                spans.append(m.span)
        for m in doc.find("divert.bank_details"):
            if doc.negated(m.start, m.end):
                continue
            if doc.sentence_has("grammar.request", m.start) or doc.sentence_has(
                "divert.money_action", m.start
            ):
                spans.append(m.span)
        for m in doc.find("personal.payment_card"):
            if doc.negated(m.start, m.end):
                continue
            # card data asked for to charge or pay back money outside Amazon (5.11)
            if doc.sentence_has("divert.charge_directly", m.start) or (
                doc.sentence_has("divert.money_action", m.start) and not via_amazon(doc, m.start)
            ):
                spans.append(m.span)
        quotes = doc.find("divert.quote")
        if quotes and (
            emails(doc)
            or find_phones(doc)
            or external_urls(doc)
            or off_platform_spans(doc, has_number=bool(find_phones(doc)))
            or doc.has("divert.directly")
        ):
            spans.append(quotes[0].span)
        return sorted(spans)

    return doc.memo("divert", compute)


def check(doc: Document) -> list[Finding]:
    spans = divert_spans(doc)
    if not spans:
        return []
    start, end = spans[0]
    return [
        doc.finding("DIVERT_OFF_AMAZON", Severity.BLOCK, MESSAGES["DIVERT_OFF_AMAZON"], start, end)
    ]
