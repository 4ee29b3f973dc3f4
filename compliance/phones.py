"""Finds telephone numbers in normalised text (rules.md 4.4) with `phonenumbers`.

A digit group becomes a phone number when it is written internationally (`+49 ...`, `0049 ...`)
and parses, or when it parses as a valid number of a region that fits the text's script and
either a phone word is in the same sentence or it is grouped like a phone number. Order ids,
tracking and serial numbers, ISBN/EAN codes, dates, prices and messenger account ids are not.
Vanity numbers (`1-800-LAMP-FIX`) and numbers spelled out in words are found too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers.re_util import enable_pattern_cache

from compliance.document import Document
from compliance.vocab import Vocabulary

# phonenumbers compiles its metadata patterns on use; numbers tried against many regions overflow
# the re module's 512-entry cache and recompile every time unless the library keeps them.
enable_pattern_cache()

_CANDIDATE = re.compile(
    # an Amazon order id (3-7-7 digits) is never a phone number: not even a candidate
    r"(?<![a-z0-9+.,/-])(?!\d{3}-\d{7}-\d{7}(?![\d-]))(?:\+\s?|00)?(?:\(\s?\d{1,5}\s?\)\s?)?\d{1,15}"
    r"(?:(?:[ \t]?[./-][ \t]?|[ \t]|\s?\(\s?\d{1,5}\s?\)\s?)\d{1,8}){0,7}"
    r"(?:\s*(?:ext|x|durchwahl|poste|int|доб)\.?\s*\d{1,5})?"
    r"(?![a-z0-9]|[.,]\d)"
)
# Stretches of text with at least seven digits (and only number punctuation between them): the
# only places worth the full expression.
_DIGIT_RUN = re.compile(r"[+(\d](?:[ \t().\-/+]*\d){6,}")
_EXTENSION = re.compile(r"\s*(?:ext|x|durchwahl|poste|int|доб)\.?\s*\d{1,5}$")
_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
_DATE = re.compile(r"^\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}$")
_ISBN = re.compile(r"^97[89][- ]?\d")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")  # a router's address, 192.168.1.1
_SEPARATED = re.compile(r"\d[ ./()-]+\d")
_VANITY = re.compile(
    r"(?<![a-z0-9])(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]?"
    r"([a-z0-9]{2,4})[\s.-]?([a-z0-9]{2,5})(?![a-z0-9])"
)
_VANITY_HINT = re.compile(r"8(?:00|33|44|55|66|77|88)[\s.)-]?[a-z]")
_CURRENCY_BEFORE = re.compile(r"[$€£¥₽₹]\s?$|(?:usd|eur|gbp|rs|r\$|руб)\.?\s?$")
_CURRENCY_AFTER = re.compile(r"^\s?(?:[$€£¥₽₹円元]|eur|usd|gbp|руб|рубл|yen|euro|dollar)")

# Regions tried for numbers written without a country code, by the script of the text (their
# metadata is loaded when the engine starts, see `warm_up`).
_REGIONS = {
    "latin": (
        "US",
        "GB",
        "DE",
        "FR",
        "ES",
        "IT",
        "BR",
        "MX",
        "CA",
        "NL",
        "PL",
        "SE",
        "TR",
        "PT",
        "AT",
        "CH",
        "BE",
        "IE",
        "AU",
        "IN",
    ),
    "kana": ("JP",),
    "han": ("CN", "JP", "TW", "HK", "SG"),
    "cyrillic": ("RU", "UA", "KZ", "BY"),
    "arabic": ("SA", "AE", "EG", "MA", "KW", "QA"),
}


# Regions to try first for a text in a given Latin-script language.
_LIKELY = {
    "en": ("US", "GB", "CA", "AU", "IE", "IN"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "CA"),
    "es": ("ES", "MX"),
    "it": ("IT", "CH"),
    "pt": ("BR", "PT"),
}
_NON_DIGIT = re.compile(r"\D")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d]")
_SCRIPTS = (
    ("kana", re.compile(r"[\u3040-\u30ff]")),
    ("han", re.compile(r"[\u4e00-\u9fff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff]")),
)


@dataclass(frozen=True)
class Phone:
    start: int
    end: int
    third_party: bool = False


def find_phones(doc: Document) -> list[Phone]:
    return doc.memo("phones", lambda: _find(doc))


def _find(doc: Document) -> list[Phone]:
    text = doc.text
    phones: list[Phone] = []
    regions = _LazyRegions(doc)
    for m in _candidates(text):
        raw = m.group(0).strip()
        number = _EXTENSION.sub("", raw)
        digits = _NON_DIGIT.sub("", number)
        if (
            not 7 <= len(digits) <= 15
            or _ORDER_ID.match(number)
            or _DATE.match(number)
            or _IPV4.match(number)
        ):
            continue
        if _ISBN.match(number) and len(digits) == 13:
            continue
        if _CURRENCY_BEFORE.search(
            text[max(0, m.start() - 5) : m.start()]
        ) or _CURRENCY_AFTER.match(text[m.end() : m.end() + 8]):
            continue
        if _labelled_otherwise(doc, m.start()) or _messenger_id(doc, m.start()):
            continue
        if _is_phone(doc, number, digits, m.start(), regions):
            phones.append(Phone(m.start(), m.start() + len(raw), _third_party(doc, m.start())))
    for m in _VANITY.finditer(text) if _VANITY_HINT.search(text) else ():
        tail = m.group(1) + m.group(2)
        letters = sum(ch.isalpha() for ch in tail)
        if letters >= 2 and len(tail) == 7 and not _overlaps(phones, m.start(), m.end()):
            phones.append(Phone(m.start(), m.end(), _third_party(doc, m.start())))
    # a number spelled out takes at least four digit words: count their anchors (an upper bound)
    # before matching the words themselves
    words = doc.find("phone.digit_word") if _digit_word_hits(doc) >= 4 else []
    spelled = _spelled(doc.vocab).finditer(text, words[0].start) if len(words) >= 4 else ()
    for m in spelled:
        if _LETTER.search(m.group(0)) and not _overlaps(phones, m.start(), m.end()):
            phones.append(Phone(m.start(), m.end(), _third_party(doc, m.start())))
    phones.sort(key=lambda p: p.start)
    return phones


def _candidates(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for run in _DIGIT_RUN.finditer(text):
        # a run starting with a digit has seven; one starting with "+" or "(" may have six
        if not run.group(0)[0].isdigit() and len(_DIGIT.findall(run.group(0))) < 7:
            continue
        # the full expression may need a few characters around the run (extension, brackets)
        found.extend(_CANDIDATE.finditer(text, run.start(), min(len(text), run.end() + 12)))
    return found


class _LazyRegions:
    """The regions to try, worked out only when a number needs them."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._regions: tuple[str, ...] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._regions is None:
            self._regions = _regions_for(self._doc.text, self._doc.latin_language)
        return iter(self._regions)


def _is_phone(doc: Document, number: str, digits: str, start: int, regions: _LazyRegions) -> bool:
    international = number.startswith("+") or (number.startswith("00") and len(digits) >= 10)
    if international:
        candidate = "+" + digits[2:] if number.startswith("00") else number
        parsed = _parse(candidate, None)
        return parsed is not None and phonenumbers.is_possible_number(parsed)
    context = doc.sentence_has("phone.label", start) or doc.sentence_has("contact.messenger", start)
    # Without a phone word nearby only a valid, grouped number of usual length counts; with one,
    # a number possible in some region counts from eight digits on. Cheap tests first: each
    # region tried costs a parse.
    if not context and not (_SEPARATED.search(number) and 8 <= len(digits) <= 13):
        return False
    for region in regions:
        parsed = _parse(number, region)
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            continue
        if context and len(digits) >= 8:
            return True
        if phonenumbers.is_valid_number(parsed):
            return True
    return False


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _regions_for(text: str, language: str | None) -> tuple[str, ...]:
    for script, regex in _SCRIPTS:
        if regex.search(text):
            return _REGIONS[script] + (
                _REGIONS["latin"] if script in ("cyrillic", "arabic") else ()
            )
    first = _LIKELY.get(language or "", ())
    return first + tuple(r for r in _REGIONS["latin"] if r not in first)


def _labelled_otherwise(doc: Document, start: int) -> bool:
    """True when the nearest label before the number in its sentence names something else
    (tracking number, order, serial number, postcode, ISBN ...)."""
    s_start, _ = doc.sentences.around(start)
    window_start = max(s_start, start - 60)
    other = [m.end for m in doc.find_in("phone.not_phone_label", window_start, start)]
    if not other:
        return False
    phone = [m.end for m in doc.find_in("phone.label", window_start, start)]
    return max(other) > max(phone, default=-1)


def _messenger_id(doc: Document, start: int) -> bool:
    """A number right after QQ, WeChat, LINE or similar is an account id (rules.md 5.14)."""
    return bool(doc.find_in("contact.id_messenger", max(0, start - 25), start))


def _third_party(doc: Document, start: int) -> bool:
    return doc.sentence_has("phone.third_party", start)


def _overlaps(phones: list[Phone], start: int, end: int) -> bool:
    return any(p.start < end and start < p.end for p in phones)


def _digit_word_hits(doc: Document) -> int:
    hits = doc.anchor_hits
    return sum(len(hits[a]) for a in _digit_word_anchors(doc.vocab).intersection(hits))


@cache
def _digit_word_anchors(vocab: Vocabulary) -> frozenset[str]:
    return frozenset(
        a for e in vocab.entries.get("phone.digit_word", ()) for a in (e.anchors or ())
    )


@cache
def _spelled(vocab: Vocabulary) -> re.Pattern[str]:
    words = sorted({e.source for e in vocab.entries.get("phone.digit_word", ())}, key=len)
    alternation = "|".join(reversed(words)) or "(?!)"
    token = rf"(?:{alternation}|\d)"
    return re.compile(rf"(?<!\w){token}(?:[\s,-]+{token}){{6,}}(?!\w)")


def warm_up(vocab: Vocabulary) -> None:
    """Loads the metadata of every region the checker may try (phonenumbers loads it lazily) and
    compiles the spelled-out number expression."""
    _spelled(vocab)
    for region in {r for regions in _REGIONS.values() for r in regions}:
        phonenumbers.is_valid_number(phonenumbers.parse("0123456789", region))
