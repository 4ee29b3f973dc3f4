"""The labelled corpora: the dev file (rules.md section 12), our own held-out file, and two blind
files written from the rule specification alone, each before the engine was run on it. Targets of
issue 6 on every file: micro precision and recall >= 0.95, no compliant case blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import Engine
from compliance.evaluation import evaluate, read_cases
from compliance.rules import RULE_IDS

HERE = Path(__file__).resolve().parent


CORPORA = ["cases-dev.jsonl", "cases-heldout.jsonl", "cases-blind.jsonl", "cases-blind2.jsonl"]
LANGUAGES = {"en", "es", "pt", "de", "fr", "it", "ja", "zh", "ar", "ru"}


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_meets_precision_and_recall_targets(engine: Engine, name: str) -> None:
    report = evaluate(read_cases(HERE / name), engine)
    precision, recall = report.overall()
    wrong = [f"{r.id}: expected {sorted(r.expected)} got {sorted(r.fired)}" for r in report.wrong]
    assert precision >= 0.95, wrong
    assert recall >= 0.95, wrong


@pytest.mark.parametrize("name", CORPORA)
def test_no_compliant_case_is_blocked(engine: Engine, name: str) -> None:
    report = evaluate(read_cases(HERE / name), engine)
    assert [r.id for r in report.compliant_blocked] == []


def test_heldout_set_covers_every_language_and_is_large_enough() -> None:
    cases = list(read_cases(HERE / "cases-heldout.jsonl"))
    assert len(cases) >= 150
    assert {c["lang"] for c in cases} >= {
        "en",
        "es",
        "pt",
        "de",
        "fr",
        "it",
        "ja",
        "zh",
        "ar",
        "ru",
    }
    assert sum(1 for c in cases if not c["expected"]) >= 40  # hard negatives


@pytest.mark.parametrize(
    ("name", "size"), [("cases-blind.jsonl", 250), ("cases-blind2.jsonl", 120)]
)
def test_blind_sets_cover_every_language_and_rule(name: str, size: int) -> None:
    cases = list(read_cases(HERE / name))
    assert len(cases) >= size
    assert {c["lang"] for c in cases} >= LANGUAGES
    assert 3 * sum(1 for c in cases if not c["expected"]) >= len(cases)  # a third hard negatives
    assert {rule for c in cases for rule in c["expected"]} == set(RULE_IDS)
