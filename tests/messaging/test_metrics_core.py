"""The pure 24-hour measure: Amazon's definitions and the choices we made where it is silent."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from messaging.metrics import core

BERLIN = ZoneInfo("Europe/Berlin")
H = 3600


def at(text: str) -> datetime:
    return core.parse_instant(text)


def ev(thread: str, kind: str, when: str, **extra) -> core.Event:
    return core.Event(thread=thread, type=core.EventType(kind), at=at(when), **extra)


def test_reply_within_24_hours_counts_as_on_time():
    events = [
        ev("t1", "buyer_message", "2025-06-02T09:00:00+00:00"),
        ev("t1", "seller_reply", "2025-06-02T11:30:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.received, metrics.within_24h, metrics.late) == (1, 1, 0)
    assert metrics.pct_within_24h == 100.0
    assert metrics.avg_response_seconds == metrics.median_response_seconds == 2.5 * H


def test_weekend_hours_count_like_any_other():
    # Friday evening to Monday morning is 63 hours: late, whatever the weekend.
    events = [
        ev("fri", "buyer_message", "2025-06-06T18:00:00+02:00"),
        ev("fri", "seller_reply", "2025-06-09T09:00:00+02:00"),
        # Saturday 10:00 answered on Sunday 09:00: 23 hours, on time.
        ev("sat", "buyer_message", "2025-06-07T10:00:00+02:00"),
        ev("sat", "seller_reply", "2025-06-08T09:00:00+02:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-20T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.late) == (1, 1)
    assert metrics.pct_within_24h == 50.0
    assert metrics.avg_response_seconds == (63 * H + 23 * H) / 2


def test_autumn_dst_change_an_apparent_23_and_a_half_hours_are_really_24_and_a_half():
    # Berlin leaves summer time on 26 Oct 2025 at 03:00: the wall clock says 23:30 elapsed,
    # the real elapsed time is 24:30, and Amazon's clock is real time.
    events = [
        ev("t", "buyer_message", "2025-10-25T12:00:00+02:00"),
        ev("t", "seller_reply", "2025-10-26T11:30:00+01:00"),
    ]
    metrics = core.measure(events, now=at("2025-11-01T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.late) == (0, 1)
    assert metrics.avg_response_seconds == 24.5 * H


def test_spring_dst_change_an_apparent_24_and_a_half_hours_are_really_23_and_a_half():
    events = [
        ev("t", "buyer_message", "2025-03-29T12:00:00+01:00"),
        ev("t", "seller_reply", "2025-03-30T12:30:00+02:00"),
    ]
    metrics = core.measure(events, now=at("2025-04-05T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.late) == (1, 0)
    assert metrics.avg_response_seconds == 23.5 * H


def test_days_follow_the_sellers_time_zone_across_dst():
    # 30 Mar 2025 in Berlin has 23 hours: 00:30 local is still that day, 23:30 local too.
    contacts = core.replay(
        [
            ev("a", "buyer_message", "2025-03-29T23:30:00+00:00"),  # 00:30 CET on the 30th
            ev("b", "buyer_message", "2025-03-30T21:30:00+00:00"),  # 23:30 CEST on the 30th
            ev("c", "buyer_message", "2025-03-30T22:30:00+00:00"),  # 00:30 CEST on the 31st
        ],
        now=at("2025-04-10T00:00:00+00:00"),
    )
    days = core.daily(contacts, at("2025-04-10T00:00:00+00:00"), BERLIN)
    assert {day: tally.received for day, tally in days.items()} == {
        date(2025, 3, 30): 2,
        date(2025, 3, 31): 1,
    }
    start, end = core.day_bounds(date(2025, 3, 30), BERLIN)
    assert end - start == timedelta(hours=23)
    start, end = core.day_bounds(date(2025, 10, 26), BERLIN)
    assert end - start == timedelta(hours=25)


def test_one_reply_answers_several_earlier_buyer_messages():
    events = [
        ev("t", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("t", "buyer_message", "2025-06-02T20:00:00+00:00"),
        ev("t", "buyer_message", "2025-06-03T07:00:00+00:00"),
        ev("t", "seller_reply", "2025-06-03T10:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    # Each buyer message is its own contact, answered by the one reply: 26 h, 14 h and 3 h.
    assert (metrics.received, metrics.within_24h, metrics.late) == (3, 2, 1)
    assert metrics.median_response_seconds == 14 * H
    assert metrics.avg_response_seconds == round((26 + 14 + 3) * H / 3, 1)


def test_a_reply_only_answers_messages_of_its_own_thread_and_only_earlier_ones():
    events = [
        ev("a", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("b", "seller_reply", "2025-06-02T09:00:00+00:00"),
        ev("a", "seller_reply", "2025-06-02T10:00:00+00:00"),
        ev("a", "buyer_message", "2025-06-02T11:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-05T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.unanswered) == (1, 1)


def test_nrn_takes_messages_out_and_a_later_reply_does_not_bring_them_back():
    events = [
        ev("t", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("t", "no_response_needed", "2025-06-02T09:00:00+00:00"),
        ev("t", "seller_reply", "2025-06-04T09:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.received, metrics.nrn, metrics.within_24h, metrics.late) == (1, 1, 0, 0)
    assert metrics.pct_within_24h is None
    assert metrics.avg_response_seconds is None


def test_reply_to_an_nrn_thread_answers_the_new_message_after_the_mark():
    events = [
        ev("t", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("t", "no_response_needed", "2025-06-02T09:00:00+00:00"),
        ev("t", "buyer_message", "2025-06-03T08:00:00+00:00"),
        ev("t", "seller_reply", "2025-06-03T09:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.received, metrics.nrn, metrics.within_24h) == (2, 1, 1)
    assert metrics.avg_response_seconds == 1 * H


def test_proactive_message_starts_nothing_and_answers_nothing():
    events = [
        ev("t", "proactive", "2025-06-01T08:00:00+00:00"),
        ev("t", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("t", "proactive", "2025-06-02T09:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.received, metrics.unanswered, metrics.within_24h) == (1, 1, 0)


def test_exactly_24_hours_is_on_time_and_one_second_more_is_late():
    events = [
        ev("a", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("a", "seller_reply", "2025-06-03T08:00:00+00:00"),
        ev("b", "buyer_message", "2025-06-02T08:00:00+00:00"),
        ev("b", "seller_reply", "2025-06-03T08:00:01+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.late) == (1, 1)


def test_unanswered_message_is_pending_up_to_exactly_24_hours_then_unanswered():
    events = [ev("a", "buyer_message", "2025-06-02T08:00:00+00:00")]
    at_24h = core.measure(events, now=at("2025-06-03T08:00:00+00:00"))
    assert (at_24h.pending, at_24h.unanswered) == (1, 0)
    after = core.measure(events, now=at("2025-06-03T08:00:01+00:00"))
    assert (after.pending, after.unanswered) == (0, 1)
    assert after.pct_within_24h == 0.0


def test_messages_still_open_at_the_window_end_are_judged_as_of_now():
    now = at("2025-06-10T12:00:00+00:00")
    end = at("2025-06-10T00:00:00+00:00")
    events = [
        # Received just before the window's end, answered after it, within 24 hours: on time.
        ev("a", "buyer_message", "2025-06-09T23:00:00+00:00"),
        ev("a", "seller_reply", "2025-06-10T05:00:00+00:00"),
        # Received 14 hours before now, still open: pending, not counted against the seller.
        ev("b", "buyer_message", "2025-06-09T22:00:00+00:00"),
        # Open for more than 24 hours: unanswered.
        ev("c", "buyer_message", "2025-06-09T06:00:00+00:00"),
        # Received after the window's end: not in this window.
        ev("d", "buyer_message", "2025-06-10T01:00:00+00:00"),
        # The reply is in the future of `now`: the message is still open.
        ev("c", "seller_reply", "2025-06-10T13:00:00+00:00"),
    ]
    metrics = core.measure(events, now=now, start=at("2025-06-09T00:00:00+00:00"), end=end)
    assert metrics.as_dict() == {
        "received": 3,
        "within_24h": 1,
        "late": 0,
        "unanswered": 1,
        "pending": 1,
        "nrn": 0,
        "pct_within_24h": 50.0,
        "avg_response_seconds": 6.0 * H,
        "median_response_seconds": 6.0 * H,
    }


def test_same_instant_reply_answers_the_buyer_message_whatever_the_file_order():
    events = [
        ev("a", "seller_reply", "2025-06-02T08:00:00+00:00"),
        ev("a", "buyer_message", "2025-06-02T08:00:00+00:00"),
    ]
    metrics = core.measure(events, now=at("2025-06-10T00:00:00+00:00"))
    assert (metrics.within_24h, metrics.avg_response_seconds) == (1, 0.0)


def test_response_times_are_whole_seconds():
    events = [
        ev("a", "buyer_message", "2025-06-02T08:00:00.900000+00:00"),
        ev("a", "seller_reply", "2025-06-02T08:00:02.100000+00:00"),
    ]
    assert core.measure(events, now=at("2025-06-10T00:00:00+00:00")).avg_response_seconds == 1.0


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    tally = core.Tally()
    for seconds in (10, 20, 40, 1000):
        tally.add(core.Outcome.WITHIN_24H, seconds)
    assert core.Metrics.from_tally(tally).median_response_seconds == 30.0


def test_histogram_puts_exactly_24_hours_in_the_last_on_time_bar():
    tally = core.Tally()
    for seconds in (0, H, H + 1, 24 * H, 24 * H + 1, 100 * H):
        tally.add(core.Outcome.WITHIN_24H, seconds)
    assert tally.histogram() == [2, 1, 0, 0, 0, 1, 1, 1]


def test_reading_a_log_reports_the_bad_line():
    lines = [
        '{"thread": "a", "type": "buyer_message", "at": "2025-06-02T08:00:00+00:00"}',
        "",
        '{"thread": "a", "type": "seller_reply", "at": "2025-06-02T09:00:00"}',
    ]
    with pytest.raises(core.EventError, match=r"line 3: .* has no UTC offset"):
        core.read_events(lines)
    with pytest.raises(core.EventError, match=r"line 1: unknown type 'reply'"):
        core.read_events(['{"thread": "a", "type": "reply", "at": "2025-06-02T08:00:00Z"}'])
    with pytest.raises(core.EventError, match=r"line 1: not valid JSON"):
        core.read_events(["{not json"])
    with pytest.raises(core.EventError, match=r"line 1: missing thread"):
        core.read_events(['{"type": "proactive", "at": "2025-06-02T08:00:00Z"}'])


def test_date_bounds_cover_whole_days_in_the_given_zone():
    assert core.parse_bound("2025-10-26", BERLIN) == datetime(2025, 10, 25, 22, tzinfo=UTC)
    assert core.parse_bound("2025-10-26", BERLIN, end=True) == datetime(
        2025, 10, 26, 23, tzinfo=UTC
    )
    assert core.parse_bound("2025-10-26T10:00:00+01:00", BERLIN) == at("2025-10-26T09:00:00Z")


def test_elapsed_time_is_real_time_even_for_times_in_one_named_zone():
    received = datetime(2025, 10, 25, 12, 0, tzinfo=BERLIN)
    answered = datetime(2025, 10, 26, 11, 30, tzinfo=BERLIN)
    assert core.elapsed_seconds(received, answered) == 24.5 * H
    assert core.outcome(received, answered, None, answered) == core.Outcome.LATE


def test_histogram_of_sorted_runs_matches_the_plain_histogram():
    values = [0, 59, H, H + 1, 7 * H, 24 * H, 24 * H + 1, 47 * H, 48 * H, 49 * H, 200 * H]
    tally = core.Tally()
    for seconds in values:
        tally.add(core.Outcome.WITHIN_24H, seconds)
    runs = [sorted(values[::2]), sorted(values[1::2]), []]
    assert core.histogram_of_sorted(runs) == tally.histogram()
