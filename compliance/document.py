"""A draft prepared for the rules: one normalised text, its sentences and vocabulary matches.

The subject and the body are checked as one text (subject first). A reply's subject that starts
with a reply prefix ("Re:", "AW:", "回复:") is the buyer's own subject and is left out of the text
rules (rules.md 5.10: quoted buyer text is not checked); the `[Important]` marker is still read
from it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any, TypeVar

from compliance.text import NormText, Segments, clauses, sentences
from compliance.types import Draft, Finding, Kind, Severity, Span
from compliance.vocab import Entry, Match, Vocabulary, vocabulary

T = TypeVar("T")

_REPLY_PREFIX = re.compile(
    r"^\s*(?:re|aw|antw|wg|fw|fwd|r|rif|rv|res|enc|sv|vs|odp|ynt|ответ|رد|回复|回覆|答复|返信)\s*[:：]",
    re.IGNORECASE,
)
_SEPARATOR = "\n\n"
_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
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
        self._clauses: Segments | None = None  # built when a rule first needs them
        self._runnable, self._anchor_ends = self.vocab.scan(self.text)
        self._anchor_windows: dict[str, list[tuple[int, int]]] = {}
        self._matches: dict[str, list[Match]] = {}
        self._starts: dict[str, list[int]] = {}
        self._memo: dict[str, Any] = {}

    @property
    def anchor_hits(self) -> dict[str, list[int]]:
        """End offsets of each vocabulary anchor found in the text."""
        return self._anchor_ends

    @property
    def clauses(self) -> Segments:
        if self._clauses is None:
            self._clauses = clauses(self.text)
        return self._clauses

    @property
    def proactive(self) -> bool:
        return self.kind is Kind.PROACTIVE

    # --- vocabulary -----------------------------------------------------------------------

    def find(self, concept: str) -> list[Match]:
        """Every match of a concept in the text, in order, overlapping matches kept."""
        found = self._matches.get(concept)
        if found is None:
            found = []
            text = self.text
            for entry in self._runnable.get(concept, ()):
                language = entry.language
                if entry.scan is not None:
                    for m_start, m_end in self._scan(entry):
                        found.append(Match(m_start, m_end, concept, language))
                    continue
                for start, end in self._entry_windows(entry):
                    for m in entry.regex.finditer(text, start, end):
                        m_start, m_end = m.span()
                        if m_end > m_start:
                            found.append(Match(m_start, m_end, concept, language))
            if len(found) > 1:
                found.sort(key=lambda x: (x.start, -x.end))
            self._matches[concept] = found
        return found

    def _scan(self, entry: Entry) -> list[tuple[int, int]]:
        """Matches of an entry that starts with literal text, searched through the whole text
        (the engine skips to each occurrence of the literal); the left word edge is checked
        here, and a match running into the next sentence is searched again within its own."""
        assert entry.scan is not None
        text, search, left = self.text, entry.scan.search, entry.left
        starts = self.sentences.starts
        out: list[tuple[int, int]] = []
        pos = 0
        while True:
            m = search(text, pos)
            if m is None:
                return out
            start, end = m.span()
            if start and left:
                before = text[start - 1]
                if (before.isalnum() or before == "_") if left == "word" else before in _ASCII:
                    pos = start + 1
                    continue
            following = bisect_right(starts, start)
            if following < len(starts) and starts[following] < end:
                inside = entry.regex.search(text, start, starts[following])
                if inside is None:
                    pos = start + 1
                    continue
                start, end = inside.span()
            if end > start:
                out.append((start, end))
            pos = end if end > start else start + 1

    def _entry_windows(self, entry: Entry) -> list[tuple[int, int]]:
        """Where an entry may match: the sentences holding one of its anchors, or everywhere."""
        anchors = entry.anchors
        if anchors is None:
            return [(0, len(self.text))]
        if len(anchors) == 1:
            (anchor,) = anchors
            windows = self._anchor_windows.get(anchor)
            return windows if windows is not None else self._windows_for(anchor)
        present = [a for a in anchors if a in self._anchor_ends]
        if len(present) == 1:
            return self._windows_for(present[0])
        spans = sorted(span for a in present for span in self._windows_for(a))
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and merged[-1][1] >= start:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _windows_for(self, anchor: str) -> list[tuple[int, int]]:
        windows = self._anchor_windows.get(anchor)
        if windows is None:
            starts, spans = self.sentences.starts, self.sentences.spans
            windows = []
            last = -1
            for end in self._anchor_ends[anchor]:  # in text order
                index = bisect_right(starts, end - 1) - 1
                if index == last:
                    continue
                last = index
                start, stop = spans[max(index, 0)]
                if windows and windows[-1][1] >= start:
                    windows[-1] = (windows[-1][0], stop)
                else:
                    windows.append((start, stop))
            self._anchor_windows[anchor] = windows
        return windows

    def has(self, concept: str) -> bool:
        return bool(self.find(concept))

    def find_in(self, concept: str, start: int, end: int) -> list[Match]:
        """The matches of a concept lying within [start, end)."""
        found = self.find(concept)
        if not found:
            return []
        starts = self._starts.get(concept)
        if starts is None:
            starts = self._starts[concept] = [m.start for m in found]
        out = []
        for i in range(bisect_left(starts, start), len(found)):
            m = found[i]
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

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
            counts = dict.fromkeys(_LATIN_LANGUAGES, 0)
            index = self.vocab.stopword_languages
            # the first few hundred characters are enough to tell the language
            for word in _LATIN_WORD.findall(self.text, 0, 800):
                for lang in index.get(word, ()):
                    if lang in counts:
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
