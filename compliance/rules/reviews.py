"""REVIEW_INCENTIVE, REVIEW_POSITIVE_ONLY, REVIEW_CHANGE_REQUEST, REVIEW_REPEAT
(rules.md 4.9-4.12, 5.3, 5.4, 5.13).

A review solicitation is a review or feedback noun in a sentence that asks for it (request words,
"we would appreciate", "leave a review"). Incentive: something of value tied to a review by an
exchange cue in the same sentence. Positive-only: positive or star ratings asked for, requests
that depend on the buyer being happy, steering unhappy buyers away, dictating content. Change:
asking to edit or delete an existing product review (seller-feedback removal is the SP-API's
negativeFeedbackRemoval type and not this rule). A request to raise an existing review is a
change request only (5.13).
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity
from compliance.vocab import Match

RULE_IDS = ("REVIEW_INCENTIVE", "REVIEW_POSITIVE_ONLY", "REVIEW_CHANGE_REQUEST", "REVIEW_REPEAT")


def solicitations(doc: Document) -> list[Match]:
    """Places where the text asks for a product review or seller feedback."""

    def compute() -> list[Match]:
        out = [m for m in doc.find("review.solicit") if not doc.negated(m.start, m.end)]
        for m in doc.find("review.noun"):
            if doc.negated(m.start, m.end):
                continue
            if any(
                doc.sentence_has(c, m.start)
                for c in ("grammar.request", "review.appreciate", "review.positive")
            ):
                out.append(m)
        out.extend(positive_only(doc))
        # offering something for a review asks for one, whatever the verb ("for your review we
        # refund 5 EUR")
        out.extend(Match(start, end, "review.incentive", "") for start, end in incentive_spans(doc))
        return sorted(out, key=lambda m: m.start)

    return doc.memo("solicitations", compute)


def _review_in_context(doc: Document, sentence: tuple[int, int]) -> bool:
    """A review is named in the sentence or the one before it (for "we read your review. Could
    you take it down?")."""
    if doc.find_in("review.noun", *sentence):
        return True
    index = doc.sentences.index_of(sentence[0])
    if index == 0:
        return False
    return bool(doc.find_in("review.noun", *doc.sentences.spans[index - 1]))


def _is_question(doc: Document, sentence: tuple[int, int]) -> bool:
    """A question put to the buyer is a request ("¿podría modificar la reseña?")."""
    return doc.text[sentence[0] : sentence[1]].rstrip().endswith(("?", "？", "؟"))


def incentive_spans(doc: Document) -> list[tuple[int, int]]:
    """Sentences offering something of value for a review (MARKETING is not added there)."""

    def compute() -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        if not (
            doc.has("review.noun") or doc.has("review.solicit") or doc.has("review.change_pronoun")
        ):
            return spans  # no review in sight: nothing of value can be tied to one
        for m in doc.find("review.value"):
            sentence = doc.sentences.around(m.start)
            if not (
                doc.find_in("review.noun", *sentence)
                or doc.find_in("review.solicit", *sentence)
                or (
                    doc.find_in("review.change_pronoun", *sentence)
                    and _review_in_context(doc, sentence)
                )
            ):
                continue
            if doc.find_in("review.exchange", *sentence) and not doc.negated(m.start, m.end):
                spans.append(sentence)
        return spans

    return doc.memo("incentive", compute)


def change_requests(doc: Document) -> list[Match]:
    def compute() -> list[Match]:
        out = []
        candidates = list(doc.find("review.change"))
        for m in doc.find("review.change_pronoun"):
            if _review_in_context(doc, doc.sentences.around(m.start)):
                candidates.append(m)
        for m in sorted(candidates, key=lambda m: m.start):
            if doc.negated(m.start, m.end):
                continue
            sentence = doc.sentences.around(m.start)
            asked = (
                m.language in ("ja", "zh")
                or doc.find_in("grammar.request", *sentence)
                or doc.find_in("review.exchange", *sentence)
                or doc.find_in("review.appreciate", *sentence)
                or _is_question(doc, sentence)
            )
            if asked:
                out.append(m)
        return out

    return doc.memo("change", compute)


def positive_only(doc: Document) -> list[Match]:
    def compute() -> list[Match]:
        changed = [doc.sentences.around(m.start) for m in change_requests(doc)]
        out = []
        for m in doc.find("review.positive"):
            sentence = doc.sentences.around(m.start)
            if sentence in changed or doc.negated(m.start, m.end):
                continue
            # "thanks for the lovely feedback" asks for nothing: an exchange cue alone is then
            # no evidence of a request
            cues = ["grammar.request", "review.appreciate", "review.solicit", "review.if_satisfied"]
            if not doc.find_in("review.thanks", *sentence):
                cues.append("review.exchange")
            if any(doc.find_in(c, *sentence) for c in cues):
                out.append(m)
        for m in doc.find("review.if_satisfied"):
            sentence = doc.sentences.around(m.start)
            if sentence in changed:
                continue
            if any(
                doc.find_in(c, *sentence)
                for c in ("review.noun", "review.solicit", "review.positive")
            ):
                out.append(m)
        for concept in ("review.unhappy_divert", "review.dictate"):
            out.extend(m for m in doc.find(concept) if not doc.negated(m.start, m.end))
        return sorted(out, key=lambda m: m.start)

    return doc.memo("positive_only", compute)


def check(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    incentives = incentive_spans(doc)
    if incentives:
        start, end = incentives[0]
        findings.append(_finding(doc, "REVIEW_INCENTIVE", start, end))
    positive = positive_only(doc)
    if positive:
        findings.append(_finding(doc, "REVIEW_POSITIVE_ONLY", positive[0].start, positive[0].end))
    changes = change_requests(doc)
    if changes:
        findings.append(_finding(doc, "REVIEW_CHANGE_REQUEST", changes[0].start, changes[0].end))
    if doc.context.review_requests_already_sent >= 1:
        asked = solicitations(doc)
        if asked:
            findings.append(_finding(doc, "REVIEW_REPEAT", asked[0].start, asked[0].end))
    return findings


def _finding(doc: Document, rule_id: str, start: int, end: int) -> Finding:
    return doc.finding(rule_id, Severity.BLOCK, MESSAGES[rule_id], start, end)
