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
LONG_TEXT = 120  # past this, lingua's low-accuracy mode is as good and several times faster
SAMPLE = 2000  # the first characters say enough


@cache
def _detector(low_accuracy: bool) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*CANDIDATES).with_minimum_relative_distance(
        0.05
    )
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _worth_detecting(sample: str) -> bool:
    letters = sum(1 for ch in sample if ch.isalpha())
    return letters >= MIN_LETTERS or any(ord(ch) > 0x2E80 for ch in sample)


def _code(language: Language | None, fallback: str) -> str:
    return language.iso_code_639_1.name.lower() if language is not None else fallback


def detect_language(text: str, fallback: str = "") -> str:
    """The ISO 639-1 code of the language of `text`, or `fallback` when it cannot tell."""
    sample = text[:SAMPLE]
    if not _worth_detecting(sample):
        return fallback
    return _code(_detector(len(sample) > LONG_TEXT).detect_language_of(sample), fallback)


def detect_languages(texts: list[str], fallbacks: list[str]) -> list[str]:
    """`detect_language` for many texts at once, on every core (lingua releases the GIL)."""
    results = list(fallbacks)
    groups: dict[bool, list[int]] = {False: [], True: []}
    samples = [text[:SAMPLE] for text in texts]
    for index, sample in enumerate(samples):
        if _worth_detecting(sample):
            groups[len(sample) > LONG_TEXT].append(index)
    for low_accuracy, indexes in groups.items():
        if not indexes:
            continue
        found = _detector(low_accuracy).detect_languages_in_parallel_of(
            [samples[i] for i in indexes]
        )
        for index, language in zip(indexes, found, strict=True):
            results[index] = _code(language, fallbacks[index])
    return results


WARM_UP_SAMPLES = (
    "Where is my parcel? Wo ist mein Paket? Où est mon colis ? ¿Dónde está mi pedido?",
    "注文した商品がまだ届きません。我的订单还没有到。",
    "أين طلبي؟ Где мой заказ?",
)


def warm_up() -> None:
    """Load the language models now rather than during the first pull (seconds, once)."""
    for sample in WARM_UP_SAMPLES:
        for low_accuracy in (False, True):
            _detector(low_accuracy).detect_language_of(sample)
