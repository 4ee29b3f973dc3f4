"""Scores the engine against labelled cases (the JSON-lines format of the corpora)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.engine import Engine
from compliance.rules import RULE_IDS
from compliance.types import Draft


def read_cases(path: Path) -> Iterator[dict[str, Any]]:
    """Yields the cases of a JSON-lines file; raises ValueError naming a malformed line."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{number}: not valid JSON: {exc.msg}") from exc
            if not isinstance(case, dict) or "id" not in case:
                raise ValueError(f"{path.name}:{number}: expected an object with an 'id'")
            yield case


@dataclass
class CaseResult:
    id: str
    expected: set[str]
    fired: set[str]
    blocked: bool
    note: str = ""

    @property
    def correct(self) -> bool:
        return self.expected == self.fired


@dataclass
class Report:
    results: list[CaseResult] = field(default_factory=list)

    def counts(self) -> dict[str, Counter]:
        per_rule: dict[str, Counter] = {rule: Counter() for rule in RULE_IDS}
        for r in self.results:
            for rule in r.expected | r.fired:
                c = per_rule.setdefault(rule, Counter())
                if rule in r.expected and rule in r.fired:
                    c["tp"] += 1
                elif rule in r.fired:
                    c["fp"] += 1
                else:
                    c["fn"] += 1
        return per_rule

    def overall(self) -> tuple[float, float]:
        tp = fp = fn = 0
        for c in self.counts().values():
            tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
        return _ratio(tp, tp + fp), _ratio(tp, tp + fn)

    @property
    def compliant_flagged(self) -> list[CaseResult]:
        return [r for r in self.results if not r.expected and r.fired]

    @property
    def compliant_blocked(self) -> list[CaseResult]:
        return [r for r in self.results if not r.expected and r.blocked]

    @property
    def wrong(self) -> list[CaseResult]:
        return [r for r in self.results if not r.correct]


def evaluate(cases: Iterable[dict[str, Any]], engine: Engine) -> Report:
    report = Report()
    for case in cases:
        findings = engine.check(Draft.from_case(case))
        report.results.append(
            CaseResult(
                id=str(case["id"]),
                expected=set(case.get("expected") or ()),
                fired={f.rule_id for f in findings},
                blocked=any(f.blocks for f in findings),
                note=str(case.get("note") or ""),
            )
        )
    return report


def format_report(report: Report) -> str:
    lines = [f"{'rule':<26} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}"]
    for rule, c in report.counts().items():
        if not (c["tp"] or c["fp"] or c["fn"]):
            lines.append(f"{rule:<26} {0:>4} {0:>4} {0:>4} {'-':>10} {'-':>8}")
            continue
        precision = _ratio(c["tp"], c["tp"] + c["fp"])
        recall = _ratio(c["tp"], c["tp"] + c["fn"])
        lines.append(
            f"{rule:<26} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {precision:>10.3f} {recall:>8.3f}"
        )
    precision, recall = report.overall()
    compliant = sum(1 for r in report.results if not r.expected)
    lines += [
        "",
        f"cases: {len(report.results)}  correct: {len(report.results) - len(report.wrong)}",
        f"overall (micro) precision: {precision:.3f}  recall: {recall:.3f}",
        f"compliant cases wrongly flagged: {len(report.compliant_flagged)} of {compliant}"
        f" (blocked: {len(report.compliant_blocked)})",
    ]
    if report.wrong:
        lines += ["", "cases it gets wrong:"]
        for r in report.wrong:
            missed = ", ".join(sorted(r.expected - r.fired)) or "-"
            extra = ", ".join(sorted(r.fired - r.expected)) or "-"
            lines.append(f"  {r.id}: missed {missed}; extra {extra}  ({r.note})")
    return "\n".join(lines)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0
