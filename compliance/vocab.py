"""Per-language vocabularies: data files in `compliance/data/lang/*.toml`, compiled once.

Each file has a `[meta]` table (`language`, `word_boundaries`: true, false or "ascii") and one
table per rule family whose
keys are concepts (`[review] noun = [...]` is the concept `review.noun`). Every entry is a Python
regular expression written in lower case; it is matched against the normalised text (see
`compliance.text`). With `word_boundaries = true` each entry only matches whole words.

Speed: a message is scanned once with an Aho-Corasick automaton for the literal text each entry
cannot match without (its anchor, derived from the parsed expression); an entry's expression only
runs on the sentences where its anchor occurs. Entries without an anchor run on the whole text.
Entries therefore never match across a sentence boundary.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import NamedTuple

import ahocorasick

from compliance.text import ARABIC_MARKS

DATA_DIR = Path(__file__).resolve().parent / "data"
LANG_DIR = DATA_DIR / "lang"
LANGUAGES = ("en", "es", "pt", "de", "fr", "it", "ja", "zh", "ar", "ru")

_MIN_ANCHOR = 2
# Concepts used as word sets, never searched: kept out of the automaton.
SET_CONCEPTS = frozenset({"grammar.stopword", "grammar.determiner"})


class Entry:
    """One vocabulary entry. `regex` has the word edges built in; `scan`, set when the entry
    starts with literal text, is the same expression without its leading edge check, so that the
    regular-expression engine can jump from one occurrence of that literal to the next; the left
    edge (`left`: "word", "ascii" or "") is then checked by the caller. For such entries `regex`
    is compiled only when first needed: compiling thousands of expressions is most of the
    start-up time."""

    __slots__ = ("_pattern", "_regex", "anchors", "concept", "language", "left", "scan", "source")

    def __init__(
        self,
        concept: str,
        language: str,
        source: str,
        pattern: str,
        anchors: frozenset[str] | None,
        scan: re.Pattern[str] | None = None,
        left: str = "",
        regex: re.Pattern[str] | None = None,
    ) -> None:
        self.concept, self.language, self.source = concept, language, source
        self.anchors, self.scan, self.left = anchors, scan, left
        self._pattern, self._regex = pattern, regex

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self._pattern)
        return self._regex


class Match(NamedTuple):
    """Where a concept matched; a tuple because documents make thousands of them."""

    start: int
    end: int
    concept: str
    language: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


class VocabularyError(ValueError):
    """A data file has an entry that does not compile or a table of the wrong shape."""


class Vocabulary:
    """All concepts of all languages, compiled, with the anchor automaton."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        self._unanchored: dict[str, list[Entry]] = defaultdict(list)
        self._by_anchor: dict[str, list[Entry]] = defaultdict(list)
        automaton = ahocorasick.Automaton()
        for entry in entries:
            self.entries[entry.concept].append(entry)
            if entry.concept in SET_CONCEPTS:
                continue
            if entry.anchors is None:
                self._unanchored[entry.concept].append(entry)
                continue
            for anchor in entry.anchors:
                if anchor not in self._by_anchor:
                    automaton.add_word(anchor, anchor)
                self._by_anchor[anchor].append(entry)
        if len(automaton):
            automaton.make_automaton()
            self._automaton: ahocorasick.Automaton | None = automaton
        else:
            self._automaton = None

    def concepts(self) -> set[str]:
        return set(self.entries)

    @property
    def stopwords(self) -> dict[str, frozenset[str]]:
        """Function words per language (`grammar.stopword`), to guess a text's language."""
        if not hasattr(self, "_stopwords"):
            words: dict[str, set[str]] = defaultdict(set)
            for entry in self.entries.get("grammar.stopword", ()):
                words[entry.language].add(entry.source)
            self._stopwords = {lang: frozenset(ws) for lang, ws in words.items()}
        return self._stopwords

    @property
    def stopword_languages(self) -> dict[str, tuple[str, ...]]:
        """For each function word, the languages it belongs to."""
        if not hasattr(self, "_stopword_languages"):
            index: dict[str, list[str]] = defaultdict(list)
            for lang, words in self.stopwords.items():
                for word in words:
                    index[word].append(lang)
            self._stopword_languages = {word: tuple(langs) for word, langs in index.items()}
        return self._stopword_languages

    def scan(self, text: str) -> tuple[dict[str, list[Entry]], dict[str, list[int]]]:
        """The entries worth running on `text`, per concept, and the end offsets of each anchor
        found in it. An entry runs where one of its anchors occurs (everywhere if it has none)."""
        found: dict[str, list[int]] = defaultdict(list)
        if self._automaton is not None:
            # the automaton reports the index of an anchor's last character; keep exclusive ends
            for last, anchor in self._automaton.iter(text):
                found[anchor].append(last + 1)
        runnable: dict[str, list[Entry]] = defaultdict(list)
        for concept, entries in self._unanchored.items():
            runnable[concept].extend(entries)
        seen: set[int] = set()
        for anchor in found:
            for entry in self._by_anchor[anchor]:
                if id(entry) not in seen:
                    seen.add(id(entry))
                    runnable[entry.concept].append(entry)
        return runnable, found


def load_language(path: Path) -> list[Entry]:
    """Compiles one language file; raises VocabularyError on a bad entry."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    meta = data.pop("meta", {})
    language = meta.get("language", path.stem)
    boundaries = meta.get("word_boundaries", True)
    entries: list[Entry] = []
    for family, table in data.items():
        if not isinstance(table, dict):
            raise VocabularyError(f"{path.name}: [{family}] must be a table of concept lists")
        for key, terms in table.items():
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                raise VocabularyError(f"{path.name}: {family}.{key} must be a list of strings")
            for term in terms:
                entries.append(_compile(f"{family}.{key}", language, term, boundaries, path))
    return entries


_MARKS = re.compile(f"[{ARABIC_MARKS}]")


def _compile(concept: str, language: str, term: str, boundaries: bool | str, path: Path) -> Entry:
    term = _MARKS.sub("", term)  # the text is matched without them (compliance.text)
    unescaped = re.sub(r"\\.", "", term)
    if unescaped != unescaped.lower():
        raise VocabularyError(f"{path.name}: {concept}: entries are lower case: {term!r}")
    if boundaries == "ascii":  # Latin-script names that may touch CJK text ("加我们QQ")
        left, tail = "ascii", "(?![a-z0-9])"
    elif boundaries:
        left, tail = "word", r"(?!\w)"
    else:  # CJK and Arabic files: Latin terms in them still need Latin word edges
        left = "ascii" if re.match(r"[a-z0-9]", term) else ""
        tail = "(?![a-z0-9])" if re.search(r"[a-z0-9]$", term) else ""
    head = {"ascii": "(?<![a-z0-9])", "word": r"(?<!\w)", "": ""}[left]
    pattern = f"{head}(?:{term}){tail}"
    try:
        parsed = list(sre_parse.parse(term))
        if _literal_prefix(parsed) >= 2:
            scan, regex = re.compile(f"(?:{term}){tail}"), None
        else:
            scan, regex = None, re.compile(pattern)
    except re.error as exc:
        raise VocabularyError(f"{path.name}: {concept}: {term!r}: {exc}") from exc
    anchors = _best(_candidates(parsed))
    return Entry(concept, language, term, pattern, anchors, scan, left, regex)


def _literal_prefix(items: list) -> int:
    """How many literal characters every match of a parsed expression starts with."""
    count = 0
    while items:
        op, av = items[0]
        if op is sre_constants.LITERAL:
            count += 1
            items = items[1:]
        elif op is sre_constants.SUBPATTERN and count == 0:
            items = list(av[-1]) + items[1:]
        else:
            break
    return count


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of every language file, built once per process."""
    entries: list[Entry] = []
    for path in sorted(LANG_DIR.glob("*.toml")):
        entries.extend(load_language(path))
    return Vocabulary(entries)


# --- anchors ---------------------------------------------------------------------------------


def _usable(anchor: str) -> bool:
    # One character is enough when it is rare in prose: a symbol (%, €, ★) or a CJK character.
    if len(anchor) >= _MIN_ANCHOR:
        return True
    return len(anchor) == 1 and not anchor.isspace() and not (anchor.isascii() and anchor.isalnum())


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    good = [c for c in candidates if c and all(_usable(a) for a in c)]
    if not good:
        return None
    return max(good, key=lambda c: (min(len(a) for a in c), -len(c)))


def _candidates(items: list) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    # the literal strings the current run may be: one, or a few when a small class of letters
    # sits inside a word ("m[aá]nd" runs as {"mand", "mánd"})
    run: set[str] = set()

    def flush() -> None:
        if run and all(run):
            out.append(frozenset(run))
        run.clear()

    def extend(chars: list[str]) -> None:
        current = run or {""}
        grown = {prefix + ch for prefix in current for ch in chars}
        run.clear()
        run.update(grown)

    for op, av in items:
        if op is sre_constants.LITERAL:
            extend([chr(av)])
        elif op is sre_constants.SUBPATTERN:
            flush()
            out.extend(_candidates(list(av[-1])))
        elif op is sre_constants.BRANCH:
            flush()
            branch_sets = [_best(_candidates(list(b))) for b in av[1]]
            if all(branch_sets):
                out.append(frozenset().union(*branch_sets))  # type: ignore[arg-type]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            flush()
            low, _high, sub = av
            if low >= 1:
                out.extend(_candidates(list(sub)))
        elif op is sre_constants.AT:
            continue
        elif (
            op is sre_constants.IN
            and all(o is sre_constants.LITERAL for o, _ in av)
            and len(av) <= 8
        ):
            chars = [chr(c) for _, c in av]
            if run and len(run) * len(chars) <= 8:
                extend(chars)  # a class inside a word: [$€£], [aá]
            else:
                flush()
                out.append(frozenset(chars))
        else:
            flush()
    flush()
    return out


@cache
def data_file(name: str) -> dict:
    """A language-independent data file from `compliance/data/` (attachments, symbols, links)."""
    with (DATA_DIR / name).open("rb") as fh:
        return tomllib.load(fh)
