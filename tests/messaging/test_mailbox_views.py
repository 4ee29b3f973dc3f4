"""The mailbox, quarantine and notices pages: access through accounts.scoping, secrets never
shown back, Sync now with its progress, retry, and query counts with realistic data."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from messaging.models import (
    Mailbox,
    MailboxKind,
    MailboxSync,
    NoticeKind,
    QuarantinedMail,
    SyncState,
    SystemNotice,
)
from tests.factories import MailboxFactory

from .mailtools import fixture


@pytest.fixture
def mailbox(team):
    return MailboxFactory(seller_account=team.account, imap_password="s3cret-imap-pass")


def login(client, user):
    client.force_login(user)
    return client


def quarantined(mailbox, n=0):
    raw = fixture("malformed_not_mail_binary.eml") + str(n).encode()
    item = QuarantinedMail(
        mailbox=mailbox, sha256=f"{n:064d}", size=len(raw), error="no mail headers", source_ref="1"
    )
    item.raw.save(f"q{n}.eml", ContentFile(raw), save=False)
    item.save()
    return item


# --- mailbox list and form ----------------------------------------------------------------


def test_owner_sees_mailboxes_with_error_and_last_good_sync(client, team, mailbox):
    mailbox.last_error = "The IMAP server refused the login: AUTHENTICATIONFAILED"
    mailbox.last_success_at = timezone.now() - timedelta(hours=3)
    mailbox.save()
    page = login(client, team.owner).get(reverse("messaging:mailbox_list")).content.decode()
    assert mailbox.name in page and "AUTHENTICATIONFAILED" in page
    assert "s3cret-imap-pass" not in page


def test_outsider_does_not_see_our_mailboxes(client, team, mailbox):
    page = login(client, team.outsider).get(reverse("messaging:mailbox_list")).content.decode()
    assert mailbox.email_address not in page


def test_agent_and_read_only_cannot_open_mailbox_admin(client, team, mailbox):
    for user in (team.agent, team.read_only):
        client.force_login(user)
        assert client.get(reverse("messaging:mailbox_list")).status_code == 403
        assert client.get(reverse("messaging:mailbox_edit", args=[mailbox.pk])).status_code == 403


def test_outsider_gets_404_on_every_mailbox_endpoint(client, team, mailbox):
    sync = MailboxSync.objects.create(mailbox=mailbox)
    item = quarantined(mailbox)
    login(client, team.outsider)
    for name, args, method in [
        ("messaging:mailbox_edit", [mailbox.pk], "get"),
        ("messaging:mailbox_edit", [mailbox.pk], "post"),
        ("messaging:mailbox_create", [team.account.pk], "get"),
        ("messaging:mailbox_sync", [mailbox.pk], "post"),
        ("messaging:sync_progress", [sync.pk], "get"),
        ("messaging:quarantine_raw", [item.pk], "get"),
        ("messaging:quarantine_retry", [item.pk], "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 404, (name, response.status_code)


def test_read_only_member_gets_403_on_write_endpoints(client, team, mailbox):
    item = quarantined(mailbox)
    login(client, team.read_only)
    for name, args in [
        ("messaging:mailbox_edit", [mailbox.pk]),
        ("messaging:mailbox_create", [team.account.pk]),
        ("messaging:mailbox_sync", [mailbox.pk]),
        ("messaging:quarantine_retry", [item.pk]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 403, name


def test_creating_a_maildir_mailbox(client, team, settings, tmp_path):
    settings.MAILDIR_ROOT = tmp_path
    response = login(client, team.owner).post(
        reverse("messaging:mailbox_create", args=[team.account.pk]),
        {
            "name": "Local",
            "kind": MailboxKind.MAILDIR,
            "email_address": "shop@seller.example",
            "enabled": "on",
            "maildir_path": "shop",
            "imap_port": 993,
            "imap_folder": "INBOX",
            "smtp_host": "smtp.seller.example",
            "smtp_port": 587,
            "smtp_security": "starttls",
            "smtp_username": "shop",
            "smtp_password": "smtp-pass",
        },
    )
    assert response.status_code == 302
    created = Mailbox.objects.get(name="Local")
    assert created.seller_account == team.account and created.smtp_password == "smtp-pass"


def test_maildir_outside_the_root_is_rejected(client, team, settings, tmp_path):
    settings.MAILDIR_ROOT = tmp_path
    response = login(client, team.owner).post(
        reverse("messaging:mailbox_create", args=[team.account.pk]),
        {
            "name": "Evil",
            "kind": "maildir",
            "email_address": "a@b.example",
            "maildir_path": "../../etc",
            "imap_port": 993,
            "smtp_port": 587,
            "smtp_security": "starttls",
        },
    )
    assert response.status_code == 200
    assert not Mailbox.objects.filter(name="Evil").exists()


def test_password_is_never_shown_and_empty_field_keeps_it(client, team, mailbox):
    login(client, team.owner)
    url = reverse("messaging:mailbox_edit", args=[mailbox.pk])
    assert "s3cret-imap-pass" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Renamed",
            "kind": "imap",
            "email_address": mailbox.email_address,
            "enabled": "on",
            "imap_host": "imap.seller.example",
            "imap_port": 993,
            "imap_use_tls": "on",
            "imap_username": "support",
            "imap_password": "",
            "imap_folder": "INBOX",
            "smtp_port": 587,
            "smtp_security": "starttls",
        },
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password) == ("Renamed", "s3cret-imap-pass")
    assert not team.account.audit_events.filter(action="mailbox.secret_changed").exists()


def test_changing_a_mailbox_password_is_audited_without_the_password(client, team, mailbox):
    login(client, team.owner)
    url = reverse("messaging:mailbox_edit", args=[mailbox.pk])
    fields = {
        "name": mailbox.name,
        "kind": "imap",
        "email_address": mailbox.email_address,
        "enabled": "on",
        "imap_host": "imap.seller.example",
        "imap_port": 993,
        "imap_use_tls": "on",
        "imap_username": "support",
        "imap_password": "n3w-imap-pass",
        "imap_folder": "INBOX",
        "smtp_port": 587,
        "smtp_security": "starttls",
    }
    assert client.post(url, fields).status_code == 302
    event = team.account.audit_events.get(action="mailbox.secret_changed")
    assert (event.actor, event.data) == (team.owner, {"fields": ["imap_password"]})
    assert "n3w-imap-pass" not in str(event.data)


def test_mailbox_list_query_count(client, team, django_assert_max_num_queries):
    for n in range(8):
        box = MailboxFactory(seller_account=team.account, name=f"Box {n}")
        for _ in range(3):
            MailboxSync.objects.create(mailbox=box, state=SyncState.DONE, processed=10, total=10)
        quarantined(box, n)
    login(client, team.owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("messaging:mailbox_list"))
    assert response.content.decode().count("Sync now") == 8


# --- Sync now and progress ----------------------------------------------------------------


def test_sync_now_queues_one_pull_and_shows_its_progress(
    client, team, mailbox, django_capture_on_commit_callbacks
):
    login(client, team.owner)
    url = reverse("messaging:mailbox_sync", args=[mailbox.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, headers={"HX-Request": "true"})
    sync = MailboxSync.objects.get()
    assert (sync.state, sync.requested_by) == (SyncState.QUEUED, team.owner)
    assert len(callbacks) == 1  # the Celery task, sent after the commit
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and f"sync-progress-{mailbox.pk}" in body
    client.post(url, headers={"HX-Request": "true"})  # a second click joins the same pull
    assert MailboxSync.objects.count() == 1


def test_progress_stops_polling_when_done(client, team, mailbox):
    sync = MailboxSync.objects.create(
        mailbox=mailbox, state=SyncState.RUNNING, total=4000, processed=1000
    )
    login(client, team.owner)
    url = reverse("messaging:sync_progress", args=[sync.pk])
    running = client.get(url).content.decode()
    assert "every 1s" in running and 'value="1000"' in running
    sync.state, sync.processed, sync.finished_at = SyncState.DONE, 4000, timezone.now()
    sync.save()
    done = client.get(url).content.decode()
    assert "every 1s" not in done and "4000 mails read" in done


# --- quarantine ---------------------------------------------------------------------------


def test_quarantine_lists_and_downloads_raw_mail_as_attachment(client, team, mailbox):
    item = quarantined(mailbox)
    login(client, team.owner)
    assert "no mail headers" in client.get(reverse("messaging:quarantine_list")).content.decode()
    response = client.get(reverse("messaging:quarantine_raw", args=[item.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_quarantine_retry_keeps_unreadable_mail(client, team, mailbox):
    item = quarantined(mailbox)
    login(client, team.owner)
    response = client.post(reverse("messaging:quarantine_retry", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.attempts == 2 and item.resolved_at is None


def test_quarantine_query_count(client, team, mailbox, django_assert_max_num_queries):
    for n in range(30):
        quarantined(mailbox, n)
    login(client, team.owner)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("messaging:quarantine_list"))
    assert response.content.decode().count("Try again") == 30


def test_outsider_quarantine_list_does_not_show_ours(client, team, mailbox):
    quarantined(mailbox)
    page = login(client, team.outsider).get(reverse("messaging:quarantine_list"))
    assert "no mail headers" not in page.content.decode()


# --- notices ------------------------------------------------------------------------------


def notice(account, n, **extra):
    return SystemNotice.objects.create(
        seller_account=account,
        kind=extra.pop("kind", NoticeKind.SYSTEM_NOTICE),
        message_id=f"notice-{account.pk}-{n}@amazon.test",
        from_address="auto-communication@amazon.com",
        from_amazon=True,
        subject=extra.pop("subject", f"Sold, ship now {n}"),
        text="<script>alert(1)</script> Please ship the order.",
        received_at=timezone.now() - timedelta(minutes=n),
        **extra,
    )


def test_every_member_sees_notices_escaped(client, team):
    notice(team.account, 1)
    for user in (team.owner, team.agent, team.read_only):
        page = login(client, user).get(reverse("messaging:notice_list")).content.decode()
        assert "Sold, ship now 1" in page
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_outsider_does_not_see_our_notices(client, team):
    notice(team.account, 1, subject="Our secret notice")
    page = login(client, team.outsider).get(reverse("messaging:notice_list")).content.decode()
    assert "Our secret notice" not in page


def test_notices_filter_by_kind(client, team):
    notice(team.account, 1, subject="Shipped")
    notice(team.account, 2, subject="Bounced", kind=NoticeKind.DELIVERY_FAILURE, reason="550")
    page = (
        login(client, team.owner)
        .get(reverse("messaging:notice_list"), {"kind": "delivery_failure"})
        .content.decode()
    )
    assert "Bounced" in page and ">Shipped<" not in page


def test_notices_query_count(client, team, django_assert_max_num_queries):
    for n in range(60):
        notice(team.account, n)
    login(client, team.owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("messaging:notice_list"))
    assert response.content.decode().count("Sold, ship now") == 50


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("messaging:notice_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_sync_now_after_a_dead_worker_queues_a_new_pull(client, team, mailbox):
    stale = MailboxSync.objects.create(
        mailbox=mailbox,
        state=SyncState.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=30),
    )
    login(client, team.owner).post(reverse("messaging:mailbox_sync", args=[mailbox.pk]))
    assert MailboxSync.objects.exclude(pk=stale.pk).get().state == SyncState.QUEUED
