"""Every action the product records has a name on the audit log page (and so in its filter)."""

import re
from pathlib import Path

from accounts.audit import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]


def test_every_recorded_action_has_a_label():
    recorded = set()
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        source = path.read_text(errors="replace")
        for call in re.finditer(r"audit\.record\(\s*[^,]+,\s*(.+?),", source, flags=re.S):
            recorded.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
    assert recorded, "no audit.record calls found"
    assert not recorded - set(ACTION_LABELS), sorted(recorded - set(ACTION_LABELS))
