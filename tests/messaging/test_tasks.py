"""The Celery side: beat queues one pull per free mailbox; the pull task runs a pull."""

from datetime import timedelta

from django.utils import timezone

from messaging import tasks
from messaging.models import Mailbox, Message
from tests.factories import MailboxFactory

from .mailtools import buyer_mail, maildir_mailbox


def test_beat_queues_a_pull_for_every_enabled_mailbox_nobody_is_pulling(team):
    MailboxFactory(seller_account=team.account)
    MailboxFactory(seller_account=team.account, enabled=False)
    MailboxFactory(
        seller_account=team.account, sync_claimed_until=timezone.now() + timedelta(minutes=1)
    )
    MailboxFactory(
        seller_account=team.account, sync_claimed_until=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.pull_all_mailboxes() == 2


def test_pull_task_ingests_the_mailbox(team, settings, tmp_path):
    settings.MAILDIR_ROOT = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    mailbox, box = maildir_mailbox(team.account, tmp_path)
    box.add(buyer_mail(message_id="task@relay.test"))
    result = tasks.pull_mailbox.apply(args=(mailbox.pk,))
    assert result.successful(), result.traceback
    assert Message.objects.get().message_id == "task@relay.test"
    assert Mailbox.objects.get(pk=mailbox.pk).sync_claimed_until is None  # released
