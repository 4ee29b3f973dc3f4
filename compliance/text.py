"""Text preparation shared by every rule: normalisation with an offset map, sentences, clauses.

Rules match against `NormText.text`: NFKC-normalised (full-width letters and the full-width at
sign become ASCII), zero-width characters and Arabic vowel marks removed, Arabic-Indic digits
mapped to ASCII, dashes and typographic apostrophes unified, lower-cased. Every offset in it maps
back to the original text so findings can point at what the agent wrote (rules.md 4.1:
"Normalise (NFKC, strip zero-width characters) before matching").
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
import unicodedata
from pathlib import Path

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# Arabic short-vowel marks (tashkeel) and the tatweel stretch are optional in writing: "نقدًا" and
# "نقدا" are the same word, so they are dropped like zero-width characters.
ARABIC_MARKS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}{ARABIC_MARKS}]")

# One character in, one character out: safe on the fast path without an offset map.
_TRANSLATE = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic (Persian) digits
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u02bc\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb", '"'),
        # Full-width ASCII forms (NFKC maps them one to one): ，！？：（） in CJK text.
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        "\u00a0": " ",
        "\u202f": " ",
        "\u3000": " ",
    }
)

_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")


def _translate_one(m: re.Match[str]) -> str:
    return _TRANSLATE[ord(m.group(0))]


# A semicolon joins two clauses of one sentence ("you'll get a code by SMS; please reply with
# it"), so it ends a clause, not a sentence. Both expressions start with a single character class
# (the alternatives follow as look-behinds) so that the engine skips from one mark to the next.
_SENTENCE_END = re.compile(
    r"[.!?。！？…\n](?:(?<=[!?。！？…])[!?。！？…]*|(?<=\.)(?=\s|$|[\"')\]])|(?<=\n)\n*)"
)
# ... and clauses also end at commas, colons, brackets and a dash between spaces.
_CLAUSE_END = re.compile(
    r"[.!?。！？…\n,，、:：;；؛()（）「」-](?:(?<=[!?。！？…])[!?。！？…]*|(?<=\.)(?=\s|$|[\"')\]])"
    r"|(?<=\n)\n*|(?<=[,，、:：;；؛()（）「」])|(?<=\s-)(?=\s))"
)


class NormText:
    """Normalised, lower-cased text with a map from its offsets back to the original.

    Three ways to build it, cheapest first: the text only needs lower-casing (offsets unchanged);
    it also has zero-width characters or Arabic vowel marks to drop (offsets shift at those
    places: a short list of kept stretches); or some character changes under NFKC (per-character
    map).
    """

    __slots__ = ("_ends", "_kept_orig", "_kept_out", "_starts", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        self._kept_out: list[int] | None = None
        self._kept_orig: list[int] | None = None
        # str.translate looks every character up; substituting only the few that change is cheaper
        fast = _NEEDS_TRANSLATE.sub(_translate_one, original)
        dropped = [m.start() for m in _ZERO_WIDTH_RE.finditer(fast)]
        if dropped:
            kept_out: list[int] = []
            kept_orig: list[int] = []
            pieces: list[str] = []
            pos = size = 0
            for index in [*dropped, len(fast)]:
                if index > pos:
                    kept_out.append(size)
                    kept_orig.append(pos)
                    pieces.append(fast[pos:index])
                    size += index - pos
                pos = index + 1
            fast = "".join(pieces)
        if unicodedata.is_normalized("NFKC", fast):
            lowered = fast.lower()
            if len(lowered) == len(fast):
                self.text = lowered
                if dropped:
                    self._kept_out, self._kept_orig = kept_out, kept_orig
                return
        self._build_slow(original)

    def _build_slow(self, original: str) -> None:
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i, n = 0, len(original)
        while i < n:
            j = i + 1
            while j < n and unicodedata.combining(original[j]):
                j += 1
            piece = _normalise_cluster(original[i:j])
            for ch in piece:
                out.append(ch)
                starts.append(i)
                ends.append(j)
            i = j
        self.text = "".join(out)
        self._starts = starts
        self._ends = ends

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Maps a [start, end) span of the normalised text back onto the original text."""
        if self._kept_out is not None and self._kept_orig is not None:
            if not self.text:
                return 0, 0
            start = min(max(start, 0), len(self.text) - 1)
            last = min(max(end - 1, start), len(self.text) - 1)
            # the end takes in marks dropped right after the span ("نقدًا")
            stop = self._kept(last + 1) if last + 1 < len(self.text) else len(self.original)
            return self._kept(start), stop
        if self._starts is None or self._ends is None:
            return start, end
        if not self._starts:
            return 0, 0
        start = min(max(start, 0), len(self._starts) - 1)
        last = min(max(end - 1, start), len(self._ends) - 1)
        return self._starts[start], self._ends[last]

    def _kept(self, offset: int) -> int:
        assert self._kept_out is not None and self._kept_orig is not None
        index = bisect.bisect_right(self._kept_out, offset) - 1
        return self._kept_orig[index] + offset - self._kept_out[index]


@functools.lru_cache(maxsize=4096)
def _normalise_cluster(cluster: str) -> str:
    if cluster in _ZERO_WIDTH or cluster in ARABIC_MARKS:
        return ""
    piece = unicodedata.normalize("NFKC", cluster).translate(_TRANSLATE).lower()
    return _ZERO_WIDTH_RE.sub("", piece)


@functools.cache
def _abbreviations() -> frozenset[str]:
    with (Path(__file__).resolve().parent / "data" / "text.toml").open("rb") as fh:
        return frozenset(tomllib.load(fh)["abbreviations"])


def _is_abbreviation(text: str, dot: int) -> bool:
    """An abbreviation right before its full stop ("z.B. das", "Tel. 020"): no sentence end."""
    before = text[max(0, dot - 10) : dot]
    words = before.rsplit(None, 1)
    if not words or (len(words) == 1 and len(before) == 10 and dot > 10):
        return False  # nothing before the stop, or a word longer than any abbreviation
    word = words[-1]
    return len(word) <= 9 and word.lstrip("(\"'") in _abbreviations()


class Segments:
    """Sentence or clause boundaries over a text, with lookup by offset."""

    __slots__ = ("spans", "starts")

    def __init__(self, text: str, bounds: list[tuple[int, int]]) -> None:
        spans: list[tuple[int, int]] = []
        pos = 0
        for start, end in bounds:
            if start > pos:
                spans.append((pos, end))
            pos = end
        if pos < len(text):
            spans.append((pos, len(text)))
        if not spans:
            spans.append((0, len(text)))
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def index_of(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def around(self, offset: int) -> tuple[int, int]:
        return self.spans[self.index_of(offset)]


def _bounds(text: str, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    out = []
    for m in boundary.finditer(text):
        start, end = m.span()
        if end - start == 1 and text[start] == "." and _is_abbreviation(text, start):
            continue
        out.append((start, end))
    return out


def sentences(text: str) -> Segments:
    return Segments(text, _bounds(text, _SENTENCE_END))


def clauses(text: str) -> Segments:
    return Segments(text, _bounds(text, _CLAUSE_END))
