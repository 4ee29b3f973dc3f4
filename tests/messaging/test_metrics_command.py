"""`manage.py response_metrics`: the event log in, the figures out as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

LOG = [
    {"thread": "a", "type": "buyer_message", "at": "2025-10-24T18:00:00+02:00"},
    {"thread": "a", "type": "seller_reply", "at": "2025-10-27T09:00:00+01:00"},
    {"thread": "b", "type": "buyer_message", "at": "2025-10-25T12:00:00+02:00"},
    {"thread": "b", "type": "seller_reply", "at": "2025-10-26T11:30:00+01:00"},
    {"thread": "c", "type": "buyer_message", "at": "2025-10-26T08:00:00+01:00"},
    {"thread": "c", "type": "seller_reply", "at": "2025-10-27T08:00:00+01:00"},
    {"thread": "d", "type": "buyer_message", "at": "2025-10-26T09:00:00+01:00"},
    {"thread": "d", "type": "no_response_needed", "at": "2025-10-26T10:00:00+01:00"},
    {"thread": "e", "type": "proactive", "at": "2025-10-26T10:00:00+01:00"},
    {"thread": "f", "type": "buyer_message", "at": "2025-10-27T20:00:00+01:00"},
]


def run(*args, stdin=None):
    out = StringIO()
    call_command("response_metrics", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(event) for event in LOG) + "\n")
    return str(path)


def test_prints_the_figures_as_json(log_file):
    result = run("--events", log_file, "--now", "2025-10-28T08:00:00+01:00")
    assert result == {
        "received": 5,
        "within_24h": 1,  # c: exactly 24 hours
        "late": 2,  # a: Friday to Monday (64 real hours), b: 24.5 real hours across DST
        "unanswered": 0,
        "pending": 1,  # f: 12 hours old
        "nrn": 1,
        "pct_within_24h": 33.33,
        "avg_response_seconds": (64 + 24.5 + 24) / 3 * 3600,
        "median_response_seconds": 24.5 * 3600,
    }


def test_dates_are_whole_days_in_the_given_zone(log_file):
    result = run(
        "--events",
        log_file,
        "--now",
        "2025-11-01T00:00:00Z",
        "--from",
        "2025-10-26",
        "--to",
        "2025-10-26",
        "--time-zone",
        "Europe/Berlin",
    )
    # 26 October in Berlin (25 hours long) holds c and d.
    assert (result["received"], result["within_24h"], result["nrn"]) == (2, 1, 1)


def test_a_bad_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(LOG[0]) + "\n" + '{"thread": "x", "type": "buyer_message"}\n')
    with pytest.raises(CommandError, match="line 2: missing at"):
        run("--events", str(path))


def test_missing_file_and_unknown_zone_are_clear_errors(log_file, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("--events", str(tmp_path / "nope.jsonl"))
    with pytest.raises(CommandError, match="Unknown time zone"):
        run("--events", log_file, "--time-zone", "Mars/Olympus")
    with pytest.raises(CommandError, match="later than --from"):
        run("--events", log_file, "--from", "2025-10-27", "--to", "2025-10-26")
