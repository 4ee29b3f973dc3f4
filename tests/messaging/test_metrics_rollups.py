"""Daily rollups: kept current by the services' hooks, refreshed by the task, rebuilt on demand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from messaging import services
from messaging.metrics import rollups, selectors
from messaging.metrics.models import ResponseDay, RollupDirtyMark, SellerCentralNrn
from tests.factories import MessageFactory, ThreadFactory
from tests.messaging.history import buyer_message, reply

UTC_NOON = datetime(2025, 3, 30, 12, tzinfo=ZoneInfo("UTC"))


def test_every_state_change_leaves_a_dirty_mark_in_the_same_transaction(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    buyer_message(thread, UTC_NOON)
    assert RollupDirtyMark.objects.count() == 1
    answer = reply(thread, UTC_NOON + timedelta(hours=2))
    services.record_reply_rejected(answer, "rejected")
    services.assign(thread, team.owner, team.agent)
    services.mark_no_response_needed(thread, team.agent)
    services.undo_no_response_needed(thread, team.agent)
    assert RollupDirtyMark.objects.count() == 6
    assert set(RollupDirtyMark.objects.values_list("received_at", flat=True)) == {UTC_NOON}


def test_refresh_builds_the_day_and_clears_its_marks(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    buyer_message(thread, UTC_NOON)
    reply(thread, UTC_NOON + timedelta(hours=30), author=team.agent)
    assert rollups.refresh_dirty() == 1
    assert not RollupDirtyMark.objects.exists()
    row = ResponseDay.objects.get()
    assert (row.day, row.received, row.late, row.agent_id) == (
        date(2025, 3, 30),
        1,
        1,
        team.agent.pk,
    )
    assert row.response_seconds == [30 * 3600]


def test_a_late_reply_to_an_old_message_updates_that_days_rollup(team):
    now = timezone.now()
    thread = ThreadFactory(seller_account=team.account, last_activity_at=now)
    buyer_message(thread, now - timedelta(days=20))
    rollups.refresh_dirty()
    assert ResponseDay.objects.get().open == 1
    reply(thread, now, author=team.agent)
    scope = selectors.dashboard_scope(team.owner, team.account)
    window = selectors.Window.last_days(30, now.date())
    # Before the task runs, the dirty day is computed live; afterwards it is stored.
    assert selectors.figures(scope, window, now).total.late == 1
    rollups.refresh_dirty()
    row = ResponseDay.objects.get()
    assert (row.open, row.late) == (0, 1)
    assert selectors.figures(scope, window, now).total.late == 1


def test_marks_written_after_the_refresh_read_them_survive(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    buyer_message(thread, UTC_NOON)
    first = list(RollupDirtyMark.objects.values_list("id", flat=True))
    rollups.recompute_day(team.account, date(2025, 3, 30))
    later = RollupDirtyMark.objects.create(seller_account=team.account, received_at=UTC_NOON)
    assert not RollupDirtyMark.objects.filter(id__in=first).exists()
    assert RollupDirtyMark.objects.filter(pk=later.pk).exists()


def test_days_follow_the_sellers_zone_across_a_dst_change(team):
    team.account.time_zone = "Europe/Berlin"
    team.account.save()
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    # 23:30 CEST on 30 March (a 23-hour day in Berlin) and 00:30 CEST on 31 March.
    buyer_message(thread, datetime(2025, 3, 30, 21, 30, tzinfo=ZoneInfo("UTC")))
    buyer_message(thread, datetime(2025, 3, 30, 22, 30, tzinfo=ZoneInfo("UTC")))
    rollups.refresh_dirty()
    assert dict(ResponseDay.objects.values_list("day", "received")) == {
        date(2025, 3, 30): 1,
        date(2025, 3, 31): 1,
    }


def test_rebuild_gives_the_same_rollups_as_the_hooks(team):
    now = timezone.now()
    for index in range(12):
        thread = ThreadFactory(seller_account=team.account, last_activity_at=now)
        received = now - timedelta(days=index * 3, hours=index)
        buyer_message(thread, received)
        if index % 3:
            reply(thread, received + timedelta(hours=index * 4), author=team.agent)
        elif index % 2:
            services.mark_no_response_needed(thread, team.owner)
    rollups.refresh_dirty()
    fields = ("day", "marketplace_id", "agent_id", "received", "within_24h", "late", "open", "nrn")
    by_hooks = sorted(ResponseDay.objects.values_list(*fields, "response_seconds"))
    ResponseDay.objects.all().delete()
    assert rollups.rebuild(team.account) == len({row[0] for row in by_hooks})
    assert sorted(ResponseDay.objects.values_list(*fields, "response_seconds")) == by_hooks


def test_undoing_nrn_drops_only_that_marks_seller_central_reminder(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    buyer_message(thread, UTC_NOON)
    services.mark_no_response_needed(thread, team.agent)
    buyer_message(thread, UTC_NOON + timedelta(hours=5))
    services.mark_no_response_needed(thread, team.agent)
    assert SellerCentralNrn.objects.count() == 2
    services.undo_no_response_needed(thread, team.agent)
    (left,) = SellerCentralNrn.objects.all()
    assert left.newest_received_at == UTC_NOON


def test_nrn_on_an_answered_thread_needs_nothing_in_seller_central(team):
    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    buyer_message(thread, UTC_NOON)
    reply(thread, UTC_NOON + timedelta(hours=1))
    services.mark_no_response_needed(thread, team.agent)
    assert not SellerCentralNrn.objects.exists()


def test_rebuild_command_rebuilds_an_accounts_rollups(team):
    from io import StringIO

    from django.core.management import call_command

    thread = ThreadFactory(seller_account=team.account, last_activity_at=UTC_NOON)
    MessageFactory(thread=thread, direction="in", occurred_at=UTC_NOON)  # loaded without hooks
    out = StringIO()
    call_command("rebuild_response_rollups", "--account", str(team.account.pk), stdout=out)
    assert "Sunny Kitchen GmbH: 1 days rebuilt" in out.getvalue()
    assert ResponseDay.objects.get().received == 1
