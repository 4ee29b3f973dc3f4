"""LANGUAGE_MISMATCH (rules.md 4.20): a proactive message not in the buyer's language.

Runs only when the context gives `buyer_language`. Scripts decide for Japanese, Chinese, Russian
and Arabic; among languages written in Latin letters the offline detector `lingua` decides, in its
low-accuracy mode (trigram models only: about 50 MB instead of about 1 GB). Severity warn: a
detector can be wrong on very short texts, which are skipped.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from compliance.document import Document
from compliance.messages import MESSAGES
from compliance.types import Finding, Severity

RULE_IDS = ("LANGUAGE_MISMATCH",)

LATIN = {
    "en": Language.ENGLISH,
    "es": Language.SPANISH,
    "pt": Language.PORTUGUESE,
    "de": Language.GERMAN,
    "fr": Language.FRENCH,
    "it": Language.ITALIAN,
    "nl": Language.DUTCH,
    "sv": Language.SWEDISH,
    "pl": Language.POLISH,
    "tr": Language.TURKISH,
}
# Languages told by their script: kana, CJK ideographs, Cyrillic, Arabic.
_SCRIPT_LANGUAGES = frozenset({"ja", "zh", "ru", "ar"})
_NON_LATIN = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u0400-\u04ff\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[a-zà-ɏ]")
# addresses (URLs, e-mail addresses) would pass for Latin-script words
_ADDRESS = re.compile(r"\S*(?:@|://|www\.)\S*")
_MIN_LETTERS = 25
_MAX_CHARS = 600
_DETECTOR_CHARS = 300
_LATIN_WORD = re.compile(r"[a-zà-ÿœ']+")


@cache
def detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*LATIN.values())
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def detect(
    text: str, stopwords: dict[str, tuple[str, ...]] | None = None, expected: str | None = None
) -> str | None:
    """The language code of `text` among the supported ones, or None if unsure.

    Only a bounded prefix is read. Scripts settle Japanese, Chinese, Russian and Arabic (the
    script most of the letters are written in; kana tell Japanese from Chinese). For Latin-script
    text, function words (`grammar.stopword` of the language files) settle clear cases cheaply;
    the detector decides the rest from the first few hundred characters. When the function words
    leave `expected` among the leading languages, it is taken without asking the detector.
    """
    text = text[:_MAX_CHARS].lower()
    if "@" in text or "/" in text or "www" in text:
        text = _ADDRESS.sub(" ", text)
    counts = dict.fromkeys(("ja", "zh", "ru", "ar"), 0)
    for ch in _NON_LATIN.findall(text):  # few in Latin-script text: counted one by one
        code = (
            "zh" if ch >= "\u4e00" else "ja" if ch >= "\u3040" else "ar" if ch >= "\u0600" else "ru"
        )
        counts[code] += 1
    latin = _LATIN_LETTER.subn("", text)[1]  # counted in C, without a list of letters
    kana, han = counts.pop("ja"), counts.pop("zh")
    # one CJK character carries about as much as a short Latin word
    counts["cjk"] = 3 * (kana + han)
    script, count = max(counts.items(), key=lambda kv: kv[1])
    if count >= max(3, latin):
        if script == "cjk":
            # Japanese mixes kana into its kanji; Chinese has none
            # (a quarter of the CJK characters: a Chinese text quoting one Japanese line stays
            # Chinese)
            return "ja" if kana >= max(3, 0.25 * (kana + han)) else "zh"
        return script
    if latin < _MIN_LETTERS:
        return None
    if stopwords:
        hits = dict.fromkeys(LATIN, 0)
        for word in _LATIN_WORD.findall(text):
            for code in stopwords.get(word, ()):
                if code in hits:
                    hits[code] += 1
        ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
        if ranked[0][1] >= 4 and ranked[0][1] >= 1.5 * ranked[1][1]:
            return ranked[0][0]
        # the language expected is among the leading ones: no need to ask the detector
        if expected in hits and hits[expected] >= max(4, 0.67 * ranked[0][1]):
            return expected
    values = detector().compute_language_confidence_values(text[:_DETECTOR_CHARS])
    if not values or values[0].value < 0.5:
        return None
    for code, language in LATIN.items():
        if language == values[0].language:
            return code
    return None


def check(doc: Document) -> list[Finding]:
    expected = (doc.context.buyer_language or "").lower().split("-")[0].split("_")[0]
    if not doc.proactive or not expected:
        return []
    if expected not in LATIN and expected not in _SCRIPT_LANGUAGES:
        return []
    detected = detect(doc.draft.body, doc.vocab.stopword_languages, expected)
    if detected is None or detected == expected:
        return []
    return [
        doc.finding(
            "LANGUAGE_MISMATCH",
            Severity.WARN,
            MESSAGES["LANGUAGE_MISMATCH"],
            expected=expected,
            detected=detected,
        )
    ]
