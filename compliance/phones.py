"""Finds telephone numbers in normalised text (rules.md 4.4) with `phonenumbers`.

A digit group becomes a phone number when it is written internationally (`+49 ...`, `0049 ...`)
and parses, or when it parses as a valid number of a region that fits the text's script and
either a phone word is in the same sentence or it is grouped like a phone number. Order ids,
tracking and serial numbers, ISBN/EAN codes, dates, prices and messenger account ids are not.
Vanity numbers (`1-800-LAMP-FIX`) and numbers spelled out in words are found too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers

from compliance.document import Document
from compliance.vocab import Vocabulary

_CANDIDATE = re.compile(
    r"(?<![a-z0-9+.,/-])(?:\+\s?|00)?(?:\(\s?\d{1,5}\s?\)\s?)?\d{1,15}"
    r"(?:(?:[ \t]?[./-][ \t]?|[ \t]|\s?\(\s?\d{1,5}\s?\)\s?)\d{1,8}){0,7}"
    r"(?:\s*(?:ext|x|durchwahl|poste|int|доб)\.?\s*\d{1,5})?"
    r"(?![a-z0-9]|[.,]\d)"
)
_EXTENSION = re.compile(r"\s*(?:ext|x|durchwahl|poste|int|доб)\.?\s*\d{1,5}$")
_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
_DATE = re.compile(r"^\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}$")
_ISBN = re.compile(r"^97[89][- ]?\d")
_SEPARATED = re.compile(r"\d[ ./()-]+\d")
_VANITY = re.compile(
    r"(?<![a-z0-9])(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]?"
    r"([a-z0-9]{2,4})[\s.-]?([a-z0-9]{2,5})(?![a-z0-9])"
)
_CURRENCY_BEFORE = re.compile(r"[$€£¥₽₹]\s?$|(?:usd|eur|gbp|rs|r\$|руб)\.?\s?$")
_CURRENCY_AFTER = re.compile(r"^\s?(?:[$€£¥₽₹円元]|eur|usd|gbp|руб|рубл|yen|euro|dollar)")

# Regions tried for numbers written without a country code, by the script of the text.
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
    regions = _regions_for(text)
    for m in _CANDIDATE.finditer(text):
        raw = m.group(0).strip()
        number = _EXTENSION.sub("", raw)
        digits = re.sub(r"\D", "", number)
        if not 7 <= len(digits) <= 15 or _ORDER_ID.match(number) or _DATE.match(number):
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
    for m in _VANITY.finditer(text):
        tail = m.group(1) + m.group(2)
        letters = sum(ch.isalpha() for ch in tail)
        if letters >= 2 and len(tail) == 7 and not _overlaps(phones, m.start(), m.end()):
            phones.append(Phone(m.start(), m.end(), _third_party(doc, m.start())))
    for m in _spelled(doc.vocab).finditer(text):
        if re.search(r"[^\W\d]", m.group(0)) and not _overlaps(phones, m.start(), m.end()):
            phones.append(Phone(m.start(), m.end(), _third_party(doc, m.start())))
    phones.sort(key=lambda p: p.start)
    return phones


def _is_phone(
    doc: Document, number: str, digits: str, start: int, regions: tuple[str, ...]
) -> bool:
    international = number.startswith("+") or (number.startswith("00") and len(digits) >= 10)
    if international:
        candidate = "+" + digits[2:] if number.startswith("00") else number
        parsed = _parse(candidate, None)
        return parsed is not None and phonenumbers.is_possible_number(parsed)
    context = doc.sentence_has("phone.label", start) or doc.sentence_has("contact.messenger", start)
    valid = possible = False
    for region in regions:
        parsed = _parse(number, region)
        if parsed is None:
            continue
        if phonenumbers.is_valid_number(parsed):
            valid = True
            break
        possible = possible or phonenumbers.is_possible_number(parsed)
    if context:
        return valid or (possible and len(digits) >= 8)
    return valid and bool(_SEPARATED.search(number)) and 8 <= len(digits) <= 13


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def _regions_for(text: str) -> tuple[str, ...]:
    if re.search(r"[\u3040-\u30ff]", text):
        return _REGIONS["kana"]
    if re.search(r"[\u4e00-\u9fff]", text):
        return _REGIONS["han"]
    if re.search(r"[\u0400-\u04ff]", text):
        return _REGIONS["cyrillic"] + _REGIONS["latin"]
    if re.search(r"[\u0600-\u06ff]", text):
        return _REGIONS["arabic"] + _REGIONS["latin"]
    return _REGIONS["latin"]


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


@cache
def _spelled(vocab: Vocabulary) -> re.Pattern[str]:
    words = sorted({e.source for e in vocab.entries.get("phone.digit_word", ())}, key=len)
    alternation = "|".join(reversed(words)) or "(?!)"
    token = rf"(?:{alternation}|\d)"
    return re.compile(rf"(?<!\w){token}(?:[\s,-]+{token}){{6,}}(?!\w)")
