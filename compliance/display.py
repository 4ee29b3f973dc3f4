"""Findings as the agent sees them: a numbered list and a read-only mirror of the text with
each finding's span marked, plus what the send button needs to know.

Works on any finding with `rule_id`, `severity`, `field`, `start`, `end` (the engine's
`CheckedFinding` or the composer's own). The mirror is a list of plain-text segments that the
template escapes like any other text: nothing here produces HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

BLOCK = "block"


@dataclass(frozen=True)
class Segment:
    text: str
    number: int = 0  # the finding's number in the list; 0: unmarked text
    severity: str = ""


@dataclass(frozen=True)
class Numbered:
    number: int
    finding: Any
    line: int | None  # 1-based line and column of the span in the checked text
    column: int | None


@dataclass
class Panel:
    """Everything the findings partial shows."""

    findings: list[Numbered] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    blocking: bool = False
    warnings: bool = False
    digest: str = ""  # names the warnings the agent confirms; changes when they change
    confirmed: bool = False
    checked: bool = False  # False: nothing was checked yet (empty text)

    @property
    def marked(self) -> bool:
        return any(segment.number for segment in self.segments)


def warnings_digest(findings: Sequence[Any]) -> str:
    """A short name for the set of warnings: a confirmation is valid for exactly these."""
    keys = sorted(
        f"{f.rule_id}\x1f{getattr(f, 'excerpt', '')}" for f in findings if _severity(f) != BLOCK
    )
    if not keys:
        return ""
    return hashlib.sha256("\x1e".join(keys).encode()).hexdigest()[:16]


def warnings_confirmed(findings: Sequence[Any], confirmation: str) -> bool:
    """True when there is no warning, or the agent confirmed exactly the current ones."""
    digest = warnings_digest(findings)
    return not digest or confirmation == digest


def panel(
    text: str, findings: Sequence[Any], *, confirmation: str = "", field_name: str = "body"
) -> Panel:
    """The findings partial's content for `text` (the field the spans index)."""
    numbered = []
    # Blocking findings first, then warnings; each in the order they appear in the text.
    findings = sorted(
        findings,
        key=lambda f: (
            _severity(f) != BLOCK,
            getattr(f, "field", "") != field_name,
            f.start if f.start is not None else -1,
        ),
    )
    for number, finding in enumerate(findings, start=1):
        line = column = None
        if getattr(finding, "field", "") == field_name and finding.start is not None:
            before = text[: finding.start]
            line = before.count("\n") + 1
            column = finding.start - (before.rfind("\n") + 1) + 1
        numbered.append(Numbered(number, finding, line, column))
    digest = warnings_digest(findings)
    return Panel(
        findings=numbered,
        segments=mirror(text, numbered, field_name),
        blocking=any(_severity(f) == BLOCK for f in findings),
        warnings=bool(digest),
        digest=digest,
        confirmed=bool(digest) and confirmation == digest,
        checked=bool(text.strip()),
    )


def mirror(text: str, numbered: Sequence[Numbered], field_name: str = "body") -> list[Segment]:
    """`text` cut into segments, the spans of findings marked. Overlapping spans: the earlier
    (then the blocking) finding keeps the overlap, the later one is marked where it is alone."""
    spans = sorted(
        (
            (n.finding.start, n.finding.end, n.number, _severity(n.finding))
            for n in numbered
            if getattr(n.finding, "field", "") == field_name
            and n.finding.start is not None
            and n.finding.end is not None
            and 0 <= n.finding.start < n.finding.end <= len(text)
        ),
        key=lambda s: (s[0], s[3] != BLOCK, s[1]),
    )
    segments: list[Segment] = []
    position = 0
    for start, end, number, severity in spans:
        start = max(start, position)
        if start >= end:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], number, severity))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _severity(finding: Any) -> str:
    return str(finding.severity)
