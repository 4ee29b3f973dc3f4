"""`python -m compliance check`, `eval` and `bench`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.cli import main


def _write(tmp_path: Path, *cases: dict) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    return path


def test_check_prints_one_json_line_per_case(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _write(
        tmp_path,
        {
            "id": "a",
            "kind": "reply",
            "subject": "",
            "body": "Call +1 (646) 555-0187",
            "context": {},
        },
        {"id": "b", "kind": "reply", "subject": "", "body": "Thanks!", "context": {}},
    )
    assert main(["check", "--jsonl", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [{"id": "a", "rules": ["CONTACT_PHONE"]}, {"id": "b", "rules": []}]


def test_eval_prints_scores_and_wrong_cases(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _write(
        tmp_path,
        {"id": "ok", "kind": "reply", "body": "See example.com", "expected": ["LINK_EXTERNAL"]},
        {"id": "miss", "kind": "reply", "body": "Fine.", "expected": ["MARKETING"], "note": "n"},
    )
    assert main(["eval", "--jsonl", str(path)]) == 0
    out = capsys.readouterr().out
    assert "overall (micro) precision: 1.000  recall: 0.500" in out
    assert "compliant cases wrongly flagged: 0 of 0 (blocked: 0)" in out
    assert "miss: missed MARKETING; extra -" in out


def test_malformed_line_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "kind": "reply", "body": "x"}\n{not json\n', encoding="utf-8")
    assert main(["check", "--jsonl", str(path)]) == 2
    assert "bad.jsonl:2: not valid JSON" in capsys.readouterr().err


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["eval", "--jsonl", str(tmp_path / "nope.jsonl")]) == 2
    assert "error:" in capsys.readouterr().err


def test_bench_prints_percentiles_and_startup(capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "--count", "30"]) == 0
    out = capsys.readouterr().out
    assert "messages: 30" in out and "p50" in out and "p99" in out
    assert "engine start-up" in out and "MiB" in out
