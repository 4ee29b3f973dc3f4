"""MARKETING and OPT_OUT_LINK (rules.md 4.8, 4.14, 5.3, 5.5, 5.8, 5.12).

Marketing: coupon codes and discounts on future purchases, sales events, new products,
"check out our other products", newsletters, "follow us", loyalty clubs, promotional attachments,
and a price advantage offered for buying or paying off Amazon. Answering the buyer's question
about a past promotion or about Amazon's own Subscribe & Save is not marketing. An incentive tied
to a review is REVIEW_INCENTIVE only (5.3). Opt-out: unsubscribe links and instructions,
"reply STOP".
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.rules.diversion import divert_spans
from compliance.rules.reviews import incentive_spans
from compliance.types import Finding, Severity, Span
from compliance.vocab import data_file

RULE_IDS = ("MARKETING", "OPT_OUT_LINK")

_PROMOTIONAL = (
    "marketing.coupon",
    "marketing.sale_event",
    "marketing.new_products",
    "marketing.check_out",
    "marketing.newsletter",
    "marketing.follow_us",
    "marketing.loyalty",
    "marketing.catalogue",
)


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    span = marketing_span(doc)
    if span is not None:
        findings.append(
            doc.finding("MARKETING", Severity.BLOCK, MESSAGES["MARKETING"], span[0], span[1])
        )
    else:
        attachment = _promotional_attachment(doc)
        if attachment is not None:
            explanation, suggestion = MESSAGES["MARKETING"]
            findings.append(
                Finding(
                    "MARKETING",
                    Severity.BLOCK,
                    explanation,
                    suggestion,
                    span=Span("attachments", attachment, attachment + 1),
                    excerpt=doc.context.attachments[attachment].name,
                )
            )
    for m in doc.find("optout.instruction"):
        findings.append(
            doc.finding("OPT_OUT_LINK", Severity.BLOCK, MESSAGES["OPT_OUT_LINK"], m.start, m.end)
        )
        break
    return findings


def marketing_span(doc: Document) -> tuple[int, int] | None:
    """Where the text first promotes something, or None."""
    return doc.memo("marketing", lambda: _find_marketing(doc))


def _find_marketing(doc: Document) -> tuple[int, int] | None:
    incentive = incentive_spans(doc)

    def in_incentive(start: int) -> bool:
        return any(s <= start < e for s, e in incentive)

    for concept in _PROMOTIONAL:
        for m in doc.find(concept):
            if not in_incentive(m.start):
                return m.span
    for m in doc.find("marketing.discount"):
        if in_incentive(m.start):
            continue
        if doc.sentence_has("marketing.future_purchase", m.start):
            return m.span
    # a price advantage for buying or paying outside Amazon ("10% off if you pay by bank
    # transfer", "cheaper on our site") is promotion as well (rules.md 5.5)
    for start, end in divert_spans(doc):
        s_start, s_end = doc.sentences.around(start)
        window = (max(0, s_start - 200), min(len(doc.text), s_end + 200))
        if doc.find_in("marketing.price_advantage", *window):
            return start, end
    return None


def _promotional_attachment(doc: Document) -> int | None:
    words = data_file("attachments.toml")["marketing"]["name_words"]
    for index, attachment in enumerate(doc.context.attachments):
        name = attachment.name.lower()
        if any(word in name for word in words):
            return index
    return None
