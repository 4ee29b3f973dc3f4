"""The language files: they compile, every language covers the concepts the rules need, and a
bad entry is reported clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.vocab import (
    LANG_DIR,
    LANGUAGES,
    SET_CONCEPTS,
    VocabularyError,
    load_language,
    vocabulary,
)

# Concepts every language must provide (the rules read them whatever language a text is in).
REQUIRED = {
    "grammar.negation",
    "grammar.request",
    "phone.label",
    "phone.not_phone_label",
    "contact.reach",
    "contact.call_invite",
    "contact.ask_details",
    "divert.buy_elsewhere",
    "divert.money_action",
    "divert.bank_details",
    "personal.sensitive",
    "personal.payment_card",
    "marketing.coupon",
    "marketing.sale_event",
    "marketing.new_products",
    "marketing.check_out",
    "marketing.follow_us",
    "optout.instruction",
    "review.noun",
    "review.solicit",
    "review.positive",
    "review.if_satisfied",
    "review.unhappy_divert",
    "review.change",
    "review.value",
    "review.exchange",
    "cancel.ask_buyer",
    "purpose.customization",
    "purpose.delivery_scheduling",
    "purpose.address_problem",
    "purpose.unexpected_problem",
    "purpose.invoice",
    "purpose.info_request",
    "purpose.courtesy",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_covers_every_required_concept(language: str) -> None:
    entries = load_language(LANG_DIR / f"{language}.toml")
    assert {e.language for e in entries} == {language}
    assert REQUIRED - {e.concept for e in entries} == set()


def test_every_language_spells_dot_and_at() -> None:
    vocab = vocabulary()
    for concept in ("links.dot_word", "links.dot_mark", "links.at_word", "links.at_mark"):
        assert vocab.entries[concept]
    spelled = {e.language for c in ("links.dot_word", "links.dot_mark") for e in vocab.entries[c]}
    assert spelled >= set(LANGUAGES)


def test_entries_mostly_have_anchors() -> None:
    # an entry without a literal anchor is searched in every message: keep them rare
    vocab = vocabulary()
    unanchored = [
        e.source
        for concept, entries in vocab.entries.items()
        if concept not in SET_CONCEPTS
        for e in entries
        if e.anchors is None
    ]
    assert len(unanchored) <= 5, unanchored


def test_bad_entry_is_reported_with_file_and_concept(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('[meta]\nlanguage = "xx"\n[review]\nnoun = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"xx.toml: review.noun"):
        load_language(path)


def test_upper_case_entry_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('[review]\nnoun = ["Review"]\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match="lower case"):
        load_language(path)


def test_regex_escapes_in_upper_case_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('[review]\nnoun = ["\\\\S+ review"]\n', encoding="utf-8")
    assert load_language(path)[0].source == "\\S+ review"
