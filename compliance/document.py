"""A draft prepared for the rules: one normalised text, its sentences and vocabulary matches.

The subject and the body are checked as one text (subject first). A reply's subject that starts
with a reply prefix ("Re:", "AW:", "回复:") is the buyer's own subject and is left out of the text
rules (rules.md 5.10: quoted buyer text is not checked); the `[Important]` marker is still read
from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from compliance.text import NormText, clauses, sentences
from compliance.types import Draft, Finding, Kind, Severity, Span
from compliance.vocab import Match, Vocabulary, vocabulary

T = TypeVar("T")

_REPLY_PREFIX = re.compile(
    r"^\s*(?:re|aw|antw|wg|fw|fwd|r|rif|rv|res|enc|sv|vs|odp|ynt|ответ|رد|回复|回覆|答复|返信)\s*[:：]",
    re.IGNORECASE,
)
_SEPARATOR = "\n\n"
_LATIN_WORD = re.compile(r"[a-zà-ÿœ']+")
# Languages written in Latin letters share short words ("no" is a negation in Spanish and "in the"
# in Portuguese); their negation cues only count in a text written in that language.
_LATIN_LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "pt"})


class Document:
    """Everything the rules read about one draft; derived detections are memoised."""

    def __init__(self, draft: Draft, vocab: Vocabulary | None = None) -> None:
        self.draft = draft
        self.context = draft.context
        self.kind = draft.kind
        self.vocab = vocab or vocabulary()
        subject_checked = bool(draft.subject.strip()) and not (
            draft.kind is Kind.REPLY and _REPLY_PREFIX.match(draft.subject)
        )
        self.subject_checked = subject_checked
        head = draft.subject + _SEPARATOR if subject_checked else ""
        self.body_offset = len(head)
        self.raw = head + draft.body
        self.norm = NormText(self.raw)
        self.text = self.norm.text
        self.sentences = sentences(self.text)
        self.clauses = clauses(self.text)
        self._runnable = self.vocab.scan(self.text)
        self._matches: dict[str, list[Match]] = {}
        self._memo: dict[str, Any] = {}

    @property
    def proactive(self) -> bool:
        return self.kind is Kind.PROACTIVE

    # --- vocabulary -----------------------------------------------------------------------

    def find(self, concept: str) -> list[Match]:
        """Every match of a concept in the text, in order, overlapping matches kept."""
        found = self._matches.get(concept)
        if found is None:
            found = []
            for entry in self._runnable.get(concept, ()):
                for m in entry.regex.finditer(self.text):
                    if m.end() > m.start():
                        found.append(Match(m.start(), m.end(), concept, entry.language))
            found.sort(key=lambda x: (x.start, -x.end))
            self._matches[concept] = found
        return found

    def has(self, concept: str) -> bool:
        return bool(self.find(concept))

    def find_in(self, concept: str, start: int, end: int) -> list[Match]:
        return [m for m in self.find(concept) if m.start >= start and m.end <= end]

    def sentence_has(self, concept: str, offset: int) -> bool:
        start, end = self.sentences.around(offset)
        return bool(self.find_in(concept, start, end))

    def sentence_text(self, offset: int) -> str:
        start, end = self.sentences.around(offset)
        return self.text[start:end]

    @property
    def latin_language(self) -> str | None:
        """The Latin-script language most of the text's function words belong to, if clear."""

        def compute() -> str | None:
            counts = {lang: 0 for lang in _LATIN_LANGUAGES}
            stopwords = self.vocab.stopwords
            for word in _LATIN_WORD.findall(self.text):
                for lang in _LATIN_LANGUAGES:
                    if word in stopwords.get(lang, ()):
                        counts[lang] += 1
            ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
            if ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1]:
                return ranked[0][0]
            return None

        return self.memo("latin_language", compute)

    def _counts(self, m: Match) -> bool:
        language = self.latin_language
        return m.language not in _LATIN_LANGUAGES or language is None or m.language == language

    def negated(self, start: int, end: int) -> bool:
        """True when a negation cue governs the match: in its clause before it, or just after it
        in the same clause for languages that negate after the verb (German, French, Japanese)."""
        c_start, c_end = self.clauses.around(start)
        for m in self.find("grammar.negation"):
            if c_start <= m.start and m.end <= start and self._counts(m):
                return True
        for m in self.find("grammar.negation_after"):
            if end <= m.start and m.end <= c_end and m.start - end <= 40 and self._counts(m):
                return True
        return False

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # --- findings -------------------------------------------------------------------------

    def span(self, start: int, end: int) -> Span:
        """Maps a span of the normalised text to the field it lies in (subject or body)."""
        o_start, o_end = self.norm.to_original(start, end)
        if o_start >= self.body_offset or not self.subject_checked:
            return Span("body", o_start - self.body_offset, o_end - self.body_offset)
        subject_len = len(self.draft.subject)
        return Span("subject", o_start, min(o_end, subject_len))

    def excerpt(self, start: int, end: int) -> str:
        o_start, o_end = self.norm.to_original(start, end)
        return " ".join(self.raw[o_start:o_end].split())[:120]

    def finding(
        self,
        rule_id: str,
        severity: Severity,
        messages: tuple[str, str],
        start: int | None = None,
        end: int | None = None,
        **params: str,
    ) -> Finding:
        """A finding for the text span [start, end) of the normalised text, or for the message."""
        if start is None or end is None:
            return Finding(rule_id, severity, messages[0], messages[1], params=params)
        return Finding(
            rule_id,
            severity,
            messages[0],
            messages[1],
            span=self.span(start, end),
            excerpt=self.excerpt(start, end),
            params=params,
        )
