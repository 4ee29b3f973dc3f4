"""The compliance gate of the send path: the one place the server checks a reply before it is
queued.

`queue_reply` in `messaging/services.py` calls `check_reply` inside the transaction that would
queue the reply and refuses to queue when any finding blocks; the composer shows every finding
(blocking or not) in its findings area. Today nothing is checked and the list is always empty.
The compliance rule engine (`compliance/`) plugs in here, and only here: map the draft to the
engine's input, map its findings to `Finding`. Attachment type and size are already refused by
the composer form with a clear error, so a reply never reaches this point with a file Amazon
would drop.
"""

from dataclasses import dataclass

from .models import Thread

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class DraftAttachment:
    name: str
    size_bytes: int
    content_type: str


@dataclass(frozen=True)
class Finding:
    """One problem the checker found in a draft reply."""

    rule_id: str
    severity: str  # BLOCK or WARN
    explanation: str
    start: int | None = None  # span in the reply text, when the finding has one
    end: int | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK


def check_reply(thread: Thread, text: str, attachments: list[DraftAttachment]) -> list[Finding]:
    """Check a draft reply on `thread` against Amazon's messaging rules.

    The compliance hook: returns the findings, blocking ones first. Currently finds nothing.
    """
    return []


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocks]
