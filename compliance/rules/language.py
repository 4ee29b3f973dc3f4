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
_SCRIPTS = {
    "ja": re.compile(r"[\u3040-\u30ff]"),  # kana
    "zh": re.compile(r"[\u4e00-\u9fff]"),
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "ar": re.compile(r"[\u0600-\u06ff]"),
}
_LATIN_LETTER = re.compile(r"[a-zà-ɏ]")
# words with digits or address characters (order ids, URLs, e-mail addresses), matched from the
# start of each word only (possessively), so the scan stays linear
_NOISE = re.compile(r"(?<!\S)[^\s\d@/_]*+[\d@/_]\S*")
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


def detect(text: str, stopwords: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The language code of `text` among the supported ones, or None if unsure.

    Only a bounded prefix is read. Scripts settle Japanese, Chinese, Russian and Arabic (the
    script most of the letters are written in; kana tell Japanese from Chinese). For Latin-script
    text, function words (`grammar.stopword` of the language files) settle clear cases cheaply;
    the detector decides the rest from the first few hundred characters.
    """
    text = _NOISE.sub(" ", text[: 2 * _MAX_CHARS].lower())[:_MAX_CHARS]
    # subn counts in C without building a list of one-letter strings
    counts = {code: regex.subn("", text)[1] for code, regex in _SCRIPTS.items()}
    latin = _LATIN_LETTER.subn("", text)[1]
    kana, han = counts.pop("ja"), counts.pop("zh")
    # one CJK character carries about as much as a short Latin word
    counts["cjk"] = 3 * (kana + han)
    script, count = max(counts.items(), key=lambda kv: kv[1])
    if count >= max(3, latin):
        if script == "cjk":
            # Japanese mixes kana into its kanji; Chinese has none
            return "ja" if kana >= max(3, 0.05 * count) else "zh"
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
    if expected not in LATIN and expected not in _SCRIPTS:
        return []
    detected = detect(doc.draft.body, doc.vocab.stopword_languages)
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
