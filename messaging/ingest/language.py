"""Which language a buyer wrote in (lingua), among the languages of Amazon's marketplaces."""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# Amazon marketplaces' languages plus the languages the product ships in. Fewer candidates make
# detection faster and short messages more reliable than a detector over every language.
CANDIDATES = (
    Language.ENGLISH,
    Language.GERMAN,
    Language.FRENCH,
    Language.ITALIAN,
    Language.SPANISH,
    Language.PORTUGUESE,
    Language.DUTCH,
    Language.SWEDISH,
    Language.POLISH,
    Language.TURKISH,
    Language.ARABIC,
    Language.JAPANESE,
    Language.CHINESE,
    Language.RUSSIAN,
    Language.HINDI,
    Language.KOREAN,
)
# Below this many letters a guess is worth less than the marketplace's own language.
MIN_LETTERS = 12
LONG_TEXT = 400  # past this, lingua's low-accuracy mode is as good and several times faster
SAMPLE = 2000  # the first characters say enough


@cache
def _detector(low_accuracy: bool) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*CANDIDATES).with_minimum_relative_distance(
        0.05
    )
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def detect_language(text: str, fallback: str = "") -> str:
    """The ISO 639-1 code of the language of `text`, or `fallback` when it cannot tell."""
    sample = text[:SAMPLE]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < MIN_LETTERS and not any(ord(ch) > 0x2E80 for ch in sample):
        return fallback
    language = _detector(len(sample) > LONG_TEXT).detect_language_of(sample)
    if language is None:
        return fallback
    return language.iso_code_639_1.name.lower()
