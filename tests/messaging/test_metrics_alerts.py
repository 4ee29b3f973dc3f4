"""Metric emails: the 4-hours-left warning and the owner's daily summary."""

import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role
from messaging import services
from messaging.metrics import alerts, tasks
from messaging.metrics.models import AlertPreference, AtRiskAlert
from tests.factories import UK, MembershipFactory, MessageFactory, ThreadFactory


def open_thread(team, received_hours_ago, **fields):
    now = timezone.now()
    thread = ThreadFactory(seller_account=team.account, last_activity_at=now, **fields)
    at = now - timedelta(hours=received_hours_ago)
    message = MessageFactory(thread=thread, direction="in", occurred_at=at)
    services.record_buyer_message(services.lock(thread), message)
    return thread


def switch_off(user, account, **choice):
    membership = Membership.objects.get(user=user, seller_account=account)
    AlertPreference.objects.update_or_create(membership=membership, defaults=choice)


def test_assignee_is_warned_once_when_4_hours_are_left(team, mailoutbox):
    thread = open_thread(team, 21, assignee=team.agent)  # 3 hours left
    open_thread(team, 10, assignee=team.agent)  # 14 hours left: not yet
    assert alerts.send_due_at_risk_alerts() == 1
    assert [m.to for m in mailoutbox] == [[team.agent.email]]
    body = mailoutbox[0].body
    assert "Sunny Kitchen GmbH" in mailoutbox[0].subject
    assert thread.amazon_order_id in body
    assert "2 h 59 min" in body or "3 h 0 min" in body
    assert alerts.send_due_at_risk_alerts() == 0  # once per clock
    assert len(mailoutbox) == 1


def test_a_new_clock_after_a_reply_warns_again(team, mailoutbox):
    thread = open_thread(team, 21, assignee=team.agent)
    alerts.send_due_at_risk_alerts()
    reply = MessageFactory(
        thread=thread, direction="out", outgoing_state="sending", occurred_at=timezone.now()
    )
    services.record_reply_sent(reply)
    later = timezone.now() + timedelta(hours=21)
    message = MessageFactory(thread=thread, direction="in", occurred_at=timezone.now())
    services.record_buyer_message(services.lock(thread), message)
    assert alerts.send_due_at_risk_alerts(now=later) == 1
    assert AtRiskAlert.objects.filter(thread=thread).count() == 2


def test_unassigned_thread_warns_the_accounts_agents_who_can_see_it(team, mailoutbox):
    uk_only = MembershipFactory(seller_account=team.account, role=Role.AGENT)
    uk_only.marketplaces.set([UK])
    second = MembershipFactory(seller_account=team.account, role=Role.AGENT).user
    open_thread(team, 21)  # marketplace DE
    alerts.send_due_at_risk_alerts()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([team.agent.email, second.email])


def test_switched_off_warning_is_not_sent_but_the_clock_is_still_marked(team, mailoutbox):
    switch_off(team.agent, team.account, at_risk_email=False)
    open_thread(team, 21, assignee=team.agent)
    assert alerts.send_due_at_risk_alerts() == 0
    assert mailoutbox == []
    assert AtRiskAlert.objects.get().recipients == 0


def test_breached_and_nrn_threads_get_no_warning(team, mailoutbox):
    open_thread(team, 30, assignee=team.agent)  # already past 24 hours
    thread = open_thread(team, 21, assignee=team.agent)
    services.mark_no_response_needed(thread, team.agent)
    assert alerts.send_due_at_risk_alerts() == 0


def test_owner_gets_one_daily_summary_after_7_in_the_sellers_zone(team, mailoutbox):
    open_thread(team, 30)
    morning = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    assert alerts.send_daily_summaries(now=morning) == 1
    assert alerts.send_daily_summaries(now=morning + timedelta(hours=1)) == 0
    (email,) = mailoutbox
    assert email.to == [team.owner.email]
    assert email.subject == "Daily response-time summary: Sunny Kitchen GmbH"
    assert "Not responded, not NRN: 1" in email.body
    assert "cannot reach Amazon" in email.body


def test_no_summary_before_7_or_when_switched_off(team, mailoutbox):
    early = timezone.now().replace(hour=5, minute=0, second=0, microsecond=0)
    assert alerts.send_daily_summaries(now=early) == 0
    switch_off(team.owner, team.account, daily_summary_email=False)
    assert alerts.send_daily_summaries(now=early + timedelta(hours=4)) == 0
    assert mailoutbox == []


def test_summary_speaks_the_owners_language(team, mailoutbox):
    team.owner.language = "es"
    team.owner.save()
    morning = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    alerts.send_daily_summaries(now=morning)
    assert mailoutbox[0].to == [team.owner.email]


def test_tasks_run_the_alert_services(team, mailoutbox):
    open_thread(team, 21, assignee=team.agent)
    assert tasks.send_at_risk_alerts() == 1
    assert tasks.refresh_rollups() >= 1


@pytest.fixture
def smtp_listener():
    """A real SMTP server (aiosmtpd) on a free loopback port, collecting what it receives."""

    class Collect:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_warning_goes_out_through_a_real_smtp_server(team, settings, smtp_listener):
    port, handler = smtp_listener
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "alerts@helpdesk.test"
    open_thread(team, 21, assignee=team.agent)
    assert alerts.send_due_at_risk_alerts() == 1
    deadline = time.monotonic() + 5
    while not handler.envelopes and time.monotonic() < deadline:
        time.sleep(0.05)
    (envelope,) = handler.envelopes
    assert envelope.mail_from == "alerts@helpdesk.test"
    assert envelope.rcpt_tos == [team.agent.email]
    assert b"24-hour deadline in under 4 hours" in envelope.content


def test_failed_smtp_send_is_retried_on_the_next_run(team, settings, mailoutbox):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    open_thread(team, 21, assignee=team.agent)
    with pytest.raises(OSError):
        alerts.send_due_at_risk_alerts()
    assert not AtRiskAlert.objects.exists()  # rolled back: the next run tries again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alerts.send_due_at_risk_alerts() == 1


PREFS = reverse("messaging:dashboard_alerts")


def test_preferences_page_lists_the_users_accounts(client, team):
    client.force_login(team.owner)
    response = client.get(PREFS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sunny Kitchen GmbH" in content and "Rival Gadgets Ltd" not in content
    assert 'name="daily_summary_email"' in content


def test_member_switches_the_warning_off_and_it_is_audited(client, team):
    client.force_login(team.agent)
    response = client.post(PREFS, {"account": team.account.pk})
    assert response.status_code == 302
    preference = AlertPreference.objects.get(membership__user=team.agent)
    assert preference.at_risk_email is False
    assert AuditEvent.objects.filter(
        action="metrics.alert_preferences_changed", actor=team.agent
    ).exists()


def test_agent_cannot_switch_on_the_owners_summary_for_themselves(client, team):
    client.force_login(team.agent)
    client.post(PREFS, {"account": team.account.pk, "daily_summary_email": "on"})
    client.post(PREFS, {"account": team.account.pk, "at_risk_email": "on"})
    assert AlertPreference.objects.get(membership__user=team.agent).at_risk_email is True
    assert 'name="daily_summary_email"' not in client.get(PREFS).content.decode()


def test_read_only_member_gets_403_and_outsider_404_on_preferences(client, team):
    client.force_login(team.read_only)
    assert (
        client.post(PREFS, {"account": team.account.pk, "at_risk_email": "on"}).status_code == 403
    )
    client.force_login(team.outsider)
    assert (
        client.post(PREFS, {"account": team.account.pk, "at_risk_email": "on"}).status_code == 404
    )
    assert client.get(PREFS).status_code == 200


def test_preferences_page_query_count_does_not_grow_with_accounts(
    client, team, django_assert_max_num_queries
):
    for _ in range(12):
        MembershipFactory(user=team.owner, role=Role.ADMIN)
    client.force_login(team.owner)
    with django_assert_max_num_queries(8):
        response = client.get(PREFS)
    assert response.content.decode().count('name="at_risk_email"') == 13
