"""Ingesting from a real IMAP server (a throwaway Dovecot over TLS on loopback)."""

import uuid

import pytest
from imapclient import IMAPClient

from messaging.ingest import sync
from messaging.models import Mailbox, MailboxKind, Message, QuarantinedMail, SyncState, SystemNotice

from .dovecot import start_dovecot
from .mailtools import buyer_mail, corpus_files, expected_kind, fixture


@pytest.fixture(scope="module")
def dovecot():
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def folder(dovecot, monkeypatch, settings, tmp_path):
    """A fresh IMAP folder, trusted TLS, and a client to fill it."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))
    settings.MEDIA_ROOT = tmp_path / "media"
    name = f"Amazon-{uuid.uuid4().hex[:8]}"
    client = imap_client(dovecot)
    client.create_folder(name)
    yield name, client
    client.logout()


def imap_client(dovecot) -> IMAPClient:
    import ssl

    context = ssl.create_default_context(cafile=str(dovecot.cert))
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=True, ssl_context=context)
    client.login(dovecot.username, dovecot.password)
    return client


def imap_mailbox(team, dovecot, folder_name: str, password: str | None = None) -> Mailbox:
    return Mailbox.objects.create(
        seller_account=team.account,
        name="IMAP",
        kind=MailboxKind.IMAP,
        email_address="support@example-seller.test",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_use_tls=True,
        imap_username=dovecot.username,
        imap_password=password or dovecot.password,
        imap_folder=folder_name,
    )


def test_imap_pull_ingests_the_corpus_and_leaves_mail_unread(team, dovecot, folder):
    name, client = folder
    files = corpus_files()
    for path in files:
        client.append(name, path.read_bytes())
    mailbox = imap_mailbox(team, dovecot, name)
    run = sync.pull_mailbox(mailbox.pk, batch_size=20)
    assert run.state == SyncState.DONE, run.error
    kinds = [expected_kind(p.name) for p in files]
    assert Message.objects.filter(mailbox=mailbox).count() == kinds.count("buyer_message")
    assert SystemNotice.objects.filter(mailbox=mailbox).count() == kinds.count(
        "system_notice"
    ) + kinds.count("delivery_failure")
    assert QuarantinedMail.objects.filter(mailbox=mailbox).count() == kinds.count("unparseable")
    client.select_folder(name, readonly=True)
    flags = client.get_flags(client.search(["ALL"]))
    assert all(b"\\Seen" not in f for f in flags.values())
    mailbox.refresh_from_db()
    assert mailbox.last_uid == len(files) and mailbox.uidvalidity


def test_imap_repull_creates_no_duplicates_and_picks_up_new_mail(team, dovecot, folder):
    name, client = folder
    client.append(name, fixture("de_damaged_latin1_qp.eml"))
    mailbox = imap_mailbox(team, dovecot, name)
    sync.pull_mailbox(mailbox.pk)
    assert sync.pull_mailbox(mailbox.pk).total == 0
    client.append(name, buyer_mail(message_id="new-one@relay.test"))
    run = sync.pull_mailbox(mailbox.pk)
    assert (run.total, run.buyer_messages) == (1, 1)
    assert Message.objects.filter(mailbox=mailbox).count() == 2


def test_new_uidvalidity_rereads_the_folder_without_duplicates(team, dovecot, folder):
    name, client = folder
    client.append(name, fixture("fr_customisation_base64.eml"))
    client.append(name, fixture("ja_iso2022jp.eml"))
    mailbox = imap_mailbox(team, dovecot, name)
    sync.pull_mailbox(mailbox.pk)
    before = mailbox.__class__.objects.get(pk=mailbox.pk).uidvalidity
    client.delete_folder(name)  # the folder is rebuilt: same mail, new UIDs
    client.create_folder(name)
    client.append(name, fixture("fr_customisation_base64.eml"))
    client.append(name, fixture("ja_iso2022jp.eml"))
    run = sync.pull_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != before
    assert (run.total, run.duplicates) == (2, 2)
    assert Message.objects.filter(mailbox=mailbox).count() == 2


def test_wrong_password_shows_the_error_and_keeps_the_last_good_sync(team, dovecot, folder):
    name, _ = folder
    mailbox = imap_mailbox(team, dovecot, name)
    sync.pull_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    good = mailbox.last_success_at
    mailbox.imap_password = "wrong"
    mailbox.save()
    run = sync.pull_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    assert run.state == SyncState.FAILED
    assert "refused the login" in mailbox.last_error
    assert mailbox.last_success_at == good


def test_unreachable_server_shows_the_error(team, dovecot, folder):
    from helpdesk.embedded import free_port

    mailbox = imap_mailbox(team, dovecot, folder[0])
    mailbox.imap_port = free_port()  # nothing listens there
    mailbox.save()
    run = sync.pull_mailbox(mailbox.pk)
    assert run.state == SyncState.FAILED
    mailbox.refresh_from_db()
    assert "Cannot read" in mailbox.last_error and mailbox.last_success_at is None


def test_starttls_on_the_plain_port(team, dovecot, folder):
    name, client = folder
    client.append(name, fixture("it_return_iso8859-15_qp.eml"))
    mailbox = imap_mailbox(team, dovecot, name)
    mailbox.imap_port, mailbox.imap_use_tls = dovecot.plain_port, False
    mailbox.save()
    run = sync.pull_mailbox(mailbox.pk)
    assert (run.state, run.buyer_messages) == (SyncState.DONE, 1), run.error
