"""`python -m compliance check --jsonl FILE`, `eval --jsonl FILE`, `bench [--count N]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compliance.engine import Engine
from compliance.evaluation import evaluate, format_report, read_cases
from compliance.types import Draft


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compliance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="print the rules that fire, one JSON line per case")
    check.add_argument("--jsonl", type=Path, required=True, help="cases, one JSON object a line")
    check.add_argument("--details", action="store_true", help="also print each finding")
    ev = sub.add_parser("eval", help="precision and recall per rule against the labels")
    ev.add_argument("--jsonl", type=Path, required=True, help="labelled cases")
    bench = sub.add_parser("bench", help="time the engine on generated ~2 KB messages")
    bench.add_argument("--count", type=int, default=10_000)
    bench.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.jsonl, args.details)
        if args.command == "eval":
            return _eval(args.jsonl)
        from compliance.bench import run

        print(run(args.count, args.seed))
        return 0
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _check(path: Path, details: bool) -> int:
    engine = Engine()
    for case in read_cases(path):
        findings = engine.check(Draft.from_case(case))
        line = {"id": case["id"], "rules": sorted({f.rule_id for f in findings})}
        if details:
            line["findings"] = [f.as_dict() for f in findings]
        print(json.dumps(line, ensure_ascii=False))
    return 0


def _eval(path: Path) -> int:
    report = evaluate(read_cases(path), Engine())
    print(format_report(report))
    return 0
