"""Secrets (LWA credentials, mailbox passwords) are encrypted at rest."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from accounts.models import SellerAccount
from helpdesk.lib import fields
from messaging.models import Mailbox
from tests.factories import MailboxFactory, SellerAccountFactory

REFRESH_TOKEN = "Atzr|IwEBIExampleRefreshTokenThatMustNeverBeStoredInTheClear"
CLIENT_SECRET = "amzn1.oa2-cs.v1.example-client-secret-value"
IMAP_PASSWORD = "hunter2-imap-Passw0rd"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def test_lwa_secrets_are_not_stored_in_the_clear(db):
    account = SellerAccountFactory(refresh_token=REFRESH_TOKEN, lwa_client_secret=CLIENT_SECRET)
    raw_token = raw_column("accounts_selleraccount", "refresh_token", account.pk)
    raw_secret = raw_column("accounts_selleraccount", "lwa_client_secret", account.pk)
    assert REFRESH_TOKEN not in raw_token and "Atzr" not in raw_token
    assert CLIENT_SECRET not in raw_secret
    fetched = SellerAccount.objects.get(pk=account.pk)
    assert (fetched.refresh_token, fetched.lwa_client_secret) == (REFRESH_TOKEN, CLIENT_SECRET)


def test_mailbox_passwords_are_not_stored_in_the_clear(db):
    mailbox = MailboxFactory(imap_password=IMAP_PASSWORD, smtp_password="smtp-" + IMAP_PASSWORD)
    assert IMAP_PASSWORD not in raw_column("messaging_mailbox", "imap_password", mailbox.pk)
    assert IMAP_PASSWORD not in raw_column("messaging_mailbox", "smtp_password", mailbox.pk)
    fetched = Mailbox.objects.get(pk=mailbox.pk)
    assert (fetched.imap_password, fetched.smtp_password) == (
        IMAP_PASSWORD,
        "smtp-" + IMAP_PASSWORD,
    )


def test_the_same_secret_encrypts_differently_each_time(db):
    first = SellerAccountFactory(refresh_token=REFRESH_TOKEN)
    second = SellerAccountFactory(refresh_token=REFRESH_TOKEN)
    a = raw_column("accounts_selleraccount", "refresh_token", first.pk)
    b = raw_column("accounts_selleraccount", "refresh_token", second.pk)
    assert a != b


def test_an_empty_secret_stays_empty(db):
    account = SellerAccountFactory(refresh_token="")
    assert raw_column("accounts_selleraccount", "refresh_token", account.pk) == ""


def test_keys_can_be_rotated_keeping_old_secrets_readable(db, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    account = SellerAccountFactory(refresh_token=REFRESH_TOKEN)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    assert SellerAccount.objects.get(pk=account.pk).refresh_token == REFRESH_TOKEN
    rotated = fields.rotate(raw_column("accounts_selleraccount", "refresh_token", account.pk))
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert fields.decrypt(rotated) == REFRESH_TOKEN


def test_a_wrong_key_gives_a_clear_error(db, settings):
    account = SellerAccountFactory(refresh_token=REFRESH_TOKEN)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(fields.SecretDecryptionError, match="FIELD_ENCRYPTION_KEY"):
        SellerAccount.objects.get(pk=account.pk)


def test_rotate_command_re_encrypts_under_the_newest_key(db, settings):
    from django.core.management import call_command

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    account = SellerAccountFactory(refresh_token=REFRESH_TOKEN)
    mailbox = MailboxFactory(imap_password=IMAP_PASSWORD)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_key")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert SellerAccount.objects.get(pk=account.pk).refresh_token == REFRESH_TOKEN
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password == IMAP_PASSWORD
