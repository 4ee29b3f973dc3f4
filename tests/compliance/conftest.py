"""Helpers for the compliance tests: one engine per test session, and a shortcut that returns
the rule ids a text fires."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from compliance.engine import Engine
from compliance.types import Context, Draft, Finding, Kind


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def findings(engine: Engine) -> Callable[..., list[Finding]]:
    def run(body: str, kind: str = "reply", subject: str = "", **context: Any) -> list[Finding]:
        draft = Draft(Kind(kind), subject, body, Context.from_mapping(context))
        return engine.check(draft)

    return run


@pytest.fixture(scope="session")
def rules(findings: Callable[..., list[Finding]]) -> Callable[..., set[str]]:
    def run(body: str, kind: str = "reply", subject: str = "", **context: Any) -> set[str]:
        return {f.rule_id for f in findings(body, kind, subject, **context)}

    return run
