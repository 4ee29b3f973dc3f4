"""CANCEL_REQUEST (rules.md 4.13).

Asking the buyer to cancel or to request the cancellation is not allowed: the seller cancels
with the right reason code. Explaining how to cancel to a buyer who asked ("if you want to
cancel, ...", "go to Your Orders and click 'Cancel items'") is fine, and so is saying that the
seller has cancelled.

Two ways in: a phrase that is itself the request (`cancel.ask_buyer`: "please cancel the order
on your side"), or, when the message says the seller cannot fulfil (out of stock, pricing error,
delay), a cancel verb in a sentence that asks for something: a request word, a question, or a
wish ("it would be best if you cancelled", "wäre super, wenn Sie stornieren könnten").
"""

from __future__ import annotations

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity
from compliance.vocab import Match

RULE_IDS = ("CANCEL_REQUEST",)

# "to" in the supported languages, opening a clause that says what cancelling takes
_PURPOSE_WORDS = frozenset(
    {"to", "in order to", "para", "para poder", "pour", "afin de", "per", "um", "чтобы", "для"}
)


def check(doc: Document) -> list[Finding]:
    m = _asked(doc)
    if m is None:
        return []
    return [
        doc.finding("CANCEL_REQUEST", Severity.BLOCK, MESSAGES["CANCEL_REQUEST"], m.start, m.end)
    ]


def _asked(doc: Document) -> Match | None:
    for m in doc.find("cancel.ask_buyer"):
        if not _explained_or_denied(doc, m):
            return m
    verbs = doc.find("cancel.verb")
    if not verbs or not doc.has("purpose.unexpected_problem"):
        return None
    for m in verbs:
        if _explained_or_denied(doc, m):
            continue
        sentence = doc.sentences.around(m.start)
        if doc.find_in("cancel.seller_does", *sentence):
            continue
        text = doc.text[sentence[0] : sentence[1]].rstrip()
        if (
            doc.find_in("grammar.request", *sentence)
            or doc.find_in("cancel.wish", *sentence)
            or text.endswith(("?", "？", "؟"))
        ):
            return m
    return None


def _explained_or_denied(doc: Document, m: Match) -> bool:
    """Negated, conditional on the buyer's wish, or the name of a button to press."""
    if doc.negated(m.start, m.end):
        return True
    s_start, _ = doc.sentences.around(m.start)
    if doc.find_in("cancel.conditional", s_start, m.start):
        return True
    c_start, _ = doc.clauses.around(m.start)
    # "To cancel, go to Your Orders": a purpose clause explains, it does not ask
    if doc.text[c_start : m.start].strip() in _PURPOSE_WORDS:
        return True
    before = doc.text[max(s_start, m.start - 2) : m.start]
    return bool(doc.find_in("cancel.ui", max(c_start, m.start - 40), m.start)) or any(
        q in before for q in "\"'«「“"
    )
