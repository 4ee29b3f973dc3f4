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
from dataclasses import dataclass
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
# it"), so it ends a clause, not a sentence.
_SENTENCE_END = re.compile(r"[!?。！？…]+|\.(?=\s|$|[\"')\]])|\n+")
_CLAUSE_END = re.compile(rf"{_SENTENCE_END.pattern}|[,，、:：;；؛()（）「」]|\s-\s")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int


class NormText:
    """Normalised, lower-cased text with a map from its offsets back to the original."""

    __slots__ = ("_ends", "_starts", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        # str.translate looks every character up; substituting only the few that change is cheaper
        fast = _NEEDS_TRANSLATE.sub(_translate_one, original)
        if not _ZERO_WIDTH_RE.search(original) and unicodedata.is_normalized("NFKC", fast):
            lowered = fast.lower()
            if len(lowered) == len(original):
                self.text = lowered
                self._starts: list[int] | None = None
                self._ends: list[int] | None = None
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
        if self._starts is None or self._ends is None:
            return start, end
        if not self._starts:
            return 0, 0
        start = min(max(start, 0), len(self._starts) - 1)
        last = min(max(end - 1, start), len(self._ends) - 1)
        return self._starts[start], self._ends[last]


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
    space = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot))
    word = text[space + 1 : dot]
    return 0 < len(word) <= 9 and word.lstrip("(\"'") in _abbreviations()


class Segments:
    """Sentence or clause boundaries over a text, with lookup by offset."""

    __slots__ = ("spans", "starts")

    def __init__(self, text: str, boundary: re.Pattern[str]) -> None:
        spans: list[tuple[int, int]] = []
        pos = 0
        for m in boundary.finditer(text):
            if m.group(0) == "." and _is_abbreviation(text, m.start()):
                continue
            if m.start() > pos:
                spans.append((pos, m.end()))
            pos = m.end()
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


def sentences(text: str) -> Segments:
    return Segments(text, _SENTENCE_END)


def clauses(text: str) -> Segments:
    return Segments(text, _CLAUSE_END)
