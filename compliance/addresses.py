"""Finds e-mail and web addresses in normalised text, plain or obfuscated (rules.md 4.1-4.3).

Top-level domains are checked against the ICANN section of the public-suffix list bundled with
`publicsuffixlist` (no network), not a short list. Localised "dot", "at" and "slash" words come
from the language files (`[links]` tables); language-independent facts from `data/links.toml`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from publicsuffixlist import PublicSuffixList

from compliance.vocab import Vocabulary, data_file

_PATH_CHARS = r"[^\s<>\"'「」『』（）()\[\]{}，。、！？!|*]"
_TRAILING = ".,;:!?)]}'\"»」）"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,62})"
_TLD = r"[a-z]{2,63}"
_NB = r"[a-z0-9_.@+-]"  # what may not touch an address on its left


@dataclass(frozen=True)
class Address:
    """A found address; `start`/`end` index the normalised text."""

    start: int
    end: int
    kind: str  # "email" or "url"
    host: str
    path: str = ""
    explicit: bool = False  # written with a scheme, "www." or a path
    obfuscated: bool = False


@cache
def psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def registrable(host: str) -> str | None:
    """The registrable domain of `host` (example.co.uk), or None if its suffix is unknown."""
    return psl().privatesuffix(host.strip(".").lower(), accept_unknown=False)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_amazon(host: str) -> bool:
    host = host.lower().strip(".")
    if host in _links()["amazon_short_hosts"]:
        return True
    domain = registrable(host)
    return bool(domain) and domain.split(".")[0] == "amazon"


def is_amazon_short(host: str) -> bool:
    return host.lower().strip(".") in _links()["amazon_short_hosts"]


@cache
def _links() -> dict:
    data = dict(data_file("links.toml"))
    data["amazon_short_hosts"] = frozenset(data["amazon_short_hosts"])
    data["file_extension_tlds"] = frozenset(data["file_extension_tlds"])
    data["ambiguous_tlds"] = frozenset(data["ambiguous_tlds"])
    data["nonessential"] = re.compile("|".join(data["amazon_nonessential_paths"]))
    return data


def amazon_path_is_nonessential(host: str, path: str) -> bool:
    if is_amazon_short(host):
        return True
    return bool(path) and bool(_links()["nonessential"].search(path.lower()))


class Patterns:
    """Regular expressions assembled once from the vocabulary's `[links]` words."""

    def __init__(self, vocab: Vocabulary) -> None:
        def words(concept: str) -> str:
            sources = sorted({e.source for e in vocab.entries.get(concept, ())}, key=len)
            return "|".join(reversed(sources)) or "(?!)"

        at_word, at_mark = words("links.at_word"), words("links.at_mark")
        dot_word, dot_mark = words("links.dot_word"), words("links.dot_mark")
        slash_word, slash_mark = words("links.slash_word"), words("links.slash_mark")
        self.stopwords = frozenset(e.source for e in vocab.entries.get("grammar.stopword", ()))
        self.determiners = frozenset(e.source for e in vocab.entries.get("grammar.determiner", ()))
        self.cue = vocab.entries.get("links.cue", [])
        bracket = r"[\(\[\{<]"
        close = r"[\)\]\}>]"
        sp = r"[ \t]"
        strong_dot = (
            rf"{sp}*{bracket}{sp}*(?:dot|\.|{dot_word}|{dot_mark}){sp}*{close}{sp}*"
            rf"|{sp}+(?:dot|{dot_word}){sp}+|{sp}*(?:{dot_mark}){sp}*|[。．]"
        )
        spaced_dot = rf"{sp}+\.{sp}*"
        any_dot = rf"{strong_dot}|{spaced_dot}|\."
        strong_at = (
            rf"{sp}*{bracket}{sp}*(?:at|@|{at_word}|{at_mark}){sp}*{close}{sp}*"
            # "name @ shop.de" and "name@ shop.de" hide an address; "find us @shop.de" is a
            # social-media handle (plain "name@shop.de" is `email_plain`)
            rf"|{sp}+(?:{at_word}){sp}+|{sp}*(?:{at_mark}){sp}*|{sp}*@{sp}+"
        )
        self.email_plain = re.compile(
            r"(?<![a-z0-9_.+-])(?:mailto:\s*)?([a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)@((?:[a-z0-9-]+\.)+[a-z]{2,})(?![a-z0-9-])"
        )
        self.email_strong = re.compile(
            rf"(?<![a-z0-9_.+-])([a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)(?:{strong_at})"
            rf"((?:{_LABEL}(?:{any_dot}))+{_TLD})(?![a-z0-9-])"
        )
        self.email_weak = re.compile(
            rf"(?<![a-z0-9_.+-])([a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*){sp}+(?:at|ät){sp}+"
            rf"((?:{_LABEL}(?:{strong_dot}))+{_TLD})(?![a-z0-9-])"
        )
        self.any_dot = re.compile(any_dot)
        self.strong_dot = re.compile(strong_dot)
        self.scheme = re.compile(
            r"(?<![a-z])(?:h\s?[tx]\s?[tx]\s?p\s?s?|ftp)\s?:\s?/\s?/\s?"
            rf"((?:{_LABEL}[.。])*{_LABEL}|\[[0-9a-f:.]+\])(?::\d{{1,5}})?((?:[/?#]{_PATH_CHARS}*)?)"
        )
        self.www = re.compile(
            rf"(?<!{_NB})(www\d{{0,3}}[.。](?:{_LABEL}[.。])+{_TLD})(?![a-z0-9@-])"
            rf"(?::\d{{1,5}})?((?:[/?#]{_PATH_CHARS}*)?)"
        )
        self.bare = re.compile(
            rf"(?<!{_NB})((?:{_LABEL}[.。])+{_TLD})(?![a-z0-9@-])"
            rf"(?::\d{{1,5}})?((?:/{_PATH_CHARS}*)?)"
        )
        # Internationalised names under a non-Latin top-level domain (пример.рф, 例子.中国).
        self.idn = re.compile(
            rf"(?<![\w.@-])((?:[\w-]{{1,63}}[.。])+[^\W\d_a-z]{{2,63}})(?![\w-])"
            rf"((?:/{_PATH_CHARS}*)?)"
        )
        self.bare_ip = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(/\S*)")
        sep = rf"(?:{strong_dot}|{spaced_dot})"
        slash = rf"{sp}*(?:/|{slash_word}|{slash_mark}){sp}*"
        self.obfuscated = re.compile(
            rf"(?<!{_NB})((?:{_LABEL}(?:{sep}|\.))+)({_TLD})(?![a-z0-9-])"
            rf"((?:{slash}[\w-]+)*)"
        )
        self.sep_only = re.compile(sep)
        self.label_split = re.compile(rf"{sep}|\.")
        self.last_sep = re.compile(rf"(?:{sep}|\.)$")
        self.strong_sep = re.compile(rf"\s*{bracket}.*{close}\s*|\s*(?:{dot_mark})\s*|[。．.]")

        # Where the expensive expressions above are worth running: around an "@", a bracketed
        # "at"/"dot", a spaced dot, or a localised at/dot word (found by the automaton).
        def anchors(*concepts: str) -> frozenset[str]:
            return frozenset(
                a for c in concepts for e in vocab.entries.get(c, ()) for a in (e.anchors or ())
            )

        self.at_anchors = anchors("links.at_word", "links.at_mark")
        self.dot_anchors = anchors("links.dot_word", "links.dot_mark")
        self.at_bracket = re.compile(r"[\(\[\{<] ?(?:at|@) ?[\)\]\}>]")
        self.dot_bracket = re.compile(r"[\(\[\{<] ?(?:dot|\.) ?[\)\]\}>]")
        self.scheme_trigger = re.compile(r"h\s?[tx]\s?[tx]\s?p|ftp")
        self.www_spaced = re.compile(r"(?<![\w])www[ \t]+([\w-]+)[ \t]+([a-z]{2,6})(?![\w])")
        self.spaced_run = re.compile(r"(?<!\S)(?:[\w@.:/-] ){4,}[\w@.:/-](?!\S)")


Hits = dict[str, list[int]]  # anchor -> end offsets, from the vocabulary's automaton


def find_emails(text: str, patterns: Patterns, hits: Hits | None = None) -> list[Address]:
    """E-mail addresses, including `name (at) domain (dot) com` and localised forms."""
    found: list[Address] = []
    hits = hits if hits is not None else patterns_hits(text, patterns)
    at_positions = [*_literal(text, "@"), *_regex(text, patterns.at_bracket)]
    at_positions += [end for a in patterns.at_anchors for end in hits.get(a, ())]
    at_windows = _merge(at_positions, 80, 120, len(text))
    weak_windows = _merge([*_literal(text, " at "), *_literal(text, " ät ")], 80, 120, len(text))
    for regex, weak, windows in (
        (patterns.email_plain, False, at_windows),
        (patterns.email_strong, False, at_windows),
        (patterns.email_weak, True, weak_windows),
    ):
        for m in _finditer(regex, text, windows):
            name, domain = m.group(1), _clean_host(patterns.any_dot.sub(".", m.group(2)))
            if weak and (
                name in patterns.stopwords
                or len(name) < 2
                or _previous_word(text, m.start()) in patterns.determiners
            ):
                # "the manual at example dot com" is a place, not an address
                continue
            if not registrable(domain):
                continue
            if any(a.start <= m.start() < a.end for a in found):
                continue
            found.append(
                Address(
                    m.start(),
                    m.end(),
                    "email",
                    domain,
                    obfuscated=regex is not patterns.email_plain,
                )
            )
    return found


def find_urls(
    text: str, patterns: Patterns, taken: list[Address], hits: Hits | None = None
) -> list[Address]:
    """Web addresses: with scheme, `www.`, bare domains, obfuscated and spaced-out forms.

    Spans overlapping `taken` (e-mail addresses) are skipped: an e-mail's domain is not a link
    (rules.md 5.1).
    """
    found: list[Address] = []

    def free(start: int, end: int) -> bool:
        return not any(a.start < end and start < a.end for a in (*taken, *found))

    for m in _finditer(patterns.scheme, text, _windows(text, patterns.scheme_trigger, 2, 600)):
        host = _clean_host(m.group(1))
        path = m.group(2).rstrip(_TRAILING)
        end = m.start(2) + len(path) if path else m.end(1)
        if (registrable(host) or is_ip(host)) and free(m.start(), end):
            found.append(Address(m.start(), end, "url", host, path, explicit=True))
    www = _token_windows(text, _WWW, 2) if "www" in text else []
    for m in _finditer(patterns.www, text, www):
        host = _clean_host(m.group(1))
        path = m.group(2).rstrip(_TRAILING)
        end = m.start(2) + len(path) if path else m.end(1)
        if registrable(host) and free(m.start(), end):
            found.append(Address(m.start(), end, "url", host, path, explicit=True))
    dotted = _dotted_words(text)
    for m in _finditer(patterns.bare_ip, text, dotted):
        if is_ip(m.group(1)) and free(m.start(), m.end()):
            found.append(Address(m.start(), m.end(), "url", m.group(1), m.group(2), True))
    for m in _finditer(patterns.bare, text, dotted):
        host = _clean_host(m.group(1))
        path = m.group(2).rstrip(_TRAILING)
        end = m.start(2) + len(path) if path else m.end(1)
        if not free(m.start(), end) or not _plausible_bare(host, bool(path)):
            continue
        found.append(Address(m.start(), end, "url", host, path, explicit=bool(path)))
    for m in _finditer(patterns.idn, text, dotted):
        host = _clean_host(m.group(1))
        path = m.group(2).rstrip(_TRAILING)
        end = m.start(2) + len(path) if path else m.end(1)
        if not host.rpartition(".")[2].isascii() and registrable(host) and free(m.start(), end):
            found.append(Address(m.start(), end, "url", host, path, explicit=bool(path)))
    hits = hits if hits is not None else patterns_hits(text, patterns)
    for address in _obfuscated(text, patterns, hits):
        if free(address.start, address.end):
            found.append(address)
    found.sort(key=lambda a: a.start)
    return found


def _plausible_bare(host: str, has_path: bool) -> bool:
    labels = host.split(".")
    if not registrable(host):
        return False
    if has_path:
        return True
    if labels[0].isdigit():  # 3.5mm, 2.500mah: measurements, not hosts
        return False
    return labels[-1] not in _links()["file_extension_tlds"]


def _obfuscated(text: str, patterns: Patterns, hits: Hits) -> list[Address]:
    out: list[Address] = []
    for m in _finditer(patterns.www_spaced, text, _windows(text, _WWW, 2, 140)):
        host = f"{m.group(1)}.{m.group(2)}"
        if registrable(host) and m.group(2) not in _links()["ambiguous_tlds"]:
            out.append(Address(m.start(), m.end(), "url", host, explicit=True, obfuscated=True))
    for m in _finditer(patterns.obfuscated, text, _sep_windows(text, patterns, hits)):
        body, tld, path = m.group(1), m.group(2), m.group(3)
        if not patterns.sep_only.search(body):
            continue
        labels = [lab.strip() for lab in patterns.label_split.split(body) if lab.strip()]
        host = _clean_host(".".join([*labels, tld]))
        if not labels or not registrable(host):
            continue
        first = labels[0]
        if first in patterns.stopwords or first.isdigit():
            continue
        last = patterns.last_sep.search(body)
        weak = last is None or not patterns.strong_sep.fullmatch(last.group(0))
        if weak and tld in _links()["ambiguous_tlds"]:
            evidence = (
                bool(path)
                or first.startswith("www")
                or "-" in first
                or any(ch.isdigit() for ch in first)
                or _cue_near(text, m.start(), patterns)
            )
            if not evidence:
                continue
        out.append(Address(m.start(), m.end(), "url", host, path, True, obfuscated=True))
    # a spaced-out address ("w w w . s h o p . d e", "i n f o @ ...") has a spaced dot or at
    spaced = " . " in text or " @ " in text or ": / /" in text
    for m in patterns.spaced_run.finditer(text) if spaced else ():
        collapsed = m.group(0).replace(" ", "")
        if "." not in collapsed:
            continue
        emails = find_emails(collapsed, patterns, {})
        if emails:
            out.append(Address(m.start(), m.end(), "email", emails[0].host, obfuscated=True))
            continue
        inner = find_urls(collapsed, patterns, [], {})
        if inner:
            first = inner[0]
            out.append(
                Address(m.start(), m.end(), "url", first.host, first.path, True, obfuscated=True)
            )
    return out


_WWW = re.compile("www")
_LAST_WORD = re.compile(r"(\w+)\W*$")


def _token_windows(text: str, trigger: re.Pattern[str], before: int) -> list[tuple[int, int]]:
    """Merged windows around each trigger match for addresses written without spaces: from the
    start of the word (at most `before` characters back) to the next space."""
    spans: list[tuple[int, int]] = []
    for m in trigger.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        floor = max(0, m.start() - before)
        start = max(text.rfind(" ", floor, m.start()), text.rfind("\n", floor, m.start())) + 1
        start = max(start, floor)
        space = _SPACE.search(text, m.end())
        end = space.start() if space else len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


_SPACE = re.compile(r"\s")
_DOTS = (".", "\u3002", "\uff0e")  # full stop, ideographic and full-width full stops


def _dotted_words(text: str) -> list[tuple[int, int]]:
    """Merged windows over the words in which a dot sits between two letters or digits: the only
    places a domain or an IP address written without spaces can be ("shop.example.de/help")."""
    positions: list[int] = []
    for dot in _DOTS:
        pos = text.find(dot, 1)
        while pos != -1:
            if pos + 1 < len(text) and text[pos - 1].isalnum() and text[pos + 1].isalnum():
                positions.append(pos)
            pos = text.find(dot, pos + 1)
    spans: list[tuple[int, int]] = []
    for pos in sorted(positions):
        if spans and pos < spans[-1][1]:
            continue
        floor = max(0, pos - 70)
        start = max(text.rfind(" ", floor, pos), text.rfind("\n", floor, pos), floor - 1) + 1
        space = _SPACE.search(text, pos)
        end = space.start() if space else len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _windows(text: str, trigger: re.Pattern[str], before: int, after: int) -> list[tuple[int, int]]:
    """Merged windows of text around each trigger match."""
    spans: list[tuple[int, int]] = []
    for m in trigger.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _literal(text: str, needle: str) -> list[int]:
    out, pos = [], text.find(needle)
    while pos != -1:
        out.append(pos + len(needle))
        pos = text.find(needle, pos + 1)
    return out


def _regex(text: str, regex: re.Pattern[str]) -> list[int]:
    return [m.end() for m in regex.finditer(text)]


def _merge(positions: list[int], before: int, after: int, size: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pos in sorted(positions):
        start, end = max(0, pos - before), min(size, pos + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _sep_windows(text: str, patterns: Patterns, hits: Hits) -> list[tuple[int, int]]:
    """Windows around written-out or spaced separators ("name dot com", "name 。 com") that
    stand between Latin letters or digits, as a name and a top-level domain do; a sentence-ending
    "。" or the "点" of "下午3点送达" do not."""
    positions = [
        end
        for end in (*_literal(text, " ."), *_literal(text, "。"), *_literal(text, "．"))
        if _between_labels(text, end - 1, end)
    ]
    positions += _regex(text, patterns.dot_bracket)
    positions += [
        end
        for a in patterns.dot_anchors
        for end in hits.get(a, ())
        if _between_labels(text, end - len(a), end)
    ]
    return _merge(positions, 70, 160, len(text))


_LABEL_EDGE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _between_labels(text: str, start: int, end: int) -> bool:
    """A Latin letter or digit within a few characters (spaces, brackets) on both sides."""
    before = text[max(0, start - 4) : start].rstrip(" \t([{<")
    after = text[end : end + 4].lstrip(" \t)]}>")
    return bool(before) and before[-1] in _LABEL_EDGE and bool(after) and after[0] in _LABEL_EDGE


def patterns_hits(text: str, patterns: Patterns) -> Hits:
    """Anchor hits for a text checked outside a Document (spaced-out runs, tests)."""
    out: Hits = {}
    for anchor in patterns.at_anchors | patterns.dot_anchors:
        ends = _literal(text, anchor)
        if ends:
            out[anchor] = ends
    return out


def _finditer(
    regex: re.Pattern[str], text: str, windows: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    for start, end in windows:
        yield from regex.finditer(text, start, end)


def _previous_word(text: str, offset: int) -> str:
    m = _LAST_WORD.search(text, max(0, offset - 30), offset)
    return m.group(1) if m else ""


def _cue_near(text: str, offset: int, patterns: Patterns) -> bool:
    window = text[max(0, offset - 80) : offset + 80]
    return any(entry.regex.search(window) for entry in patterns.cue)


def _clean_host(host: str) -> str:
    return host.replace("。", ".").replace("．", ".").strip(".").lower()
