"""The compliance rule engine: text in, findings out. Pure Python, no Django.

`Engine()` pays the start-up cost once (vocabulary compiled, public-suffix list, phone metadata,
emoji data and the language detector loaded); `Engine.check(draft)` is then cheap. `check(draft)`
uses a process-wide engine built on first use.
"""

from __future__ import annotations

import threading

from compliance import phones
from compliance.addresses import psl
from compliance.document import Document
from compliance.rules import FAMILIES, RULE_IDS
from compliance.rules.formatting import is_pictograph
from compliance.rules.language import detector
from compliance.rules.links import patterns
from compliance.types import Draft, Finding, Kind
from compliance.vocab import Vocabulary, vocabulary

_ORDER = {rule_id: index for index, rule_id in enumerate(RULE_IDS)}


class Engine:
    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or vocabulary()
        self._warm_up()

    def check(self, draft: Draft) -> list[Finding]:
        """Every finding for `draft`, in rule-table order, then by position."""
        doc = Document(draft, self.vocab)
        findings: list[Finding] = []
        for family in FAMILIES:
            findings.extend(family.check(doc))
        findings.sort(key=lambda f: (_ORDER.get(f.rule_id, 99), f.span.start if f.span else -1))
        return findings

    def _warm_up(self) -> None:
        patterns(self.vocab)
        psl()
        is_pictograph("\u2b50")
        detector()
        phones.warm_up(self.vocab)
        # One representative draft exercises every lazily compiled path once.
        self.check(
            Draft(
                Kind.PROACTIVE,
                "Warm-up",
                "Call +1 646 555 0187 or see example.com, leave a review \u2b50 "
                "ご注文ありがとうございます。谢谢 спасибо شكرا",
            )
        )


_default: Engine | None = None
_lock = threading.Lock()


def default_engine() -> Engine:
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Engine()
    return _default


def check(draft: Draft) -> list[Finding]:
    """Checks a draft with the process-wide engine."""
    return default_engine().check(draft)
