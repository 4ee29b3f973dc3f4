"""Create the demo seller account and its owner login, once."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, SellerAccount, User
from accounts.services import create_seller_account
from messaging.models import Mailbox, MailboxKind

DEMO_EMAIL = "owner@demo.example"
DEMO_ACCOUNT = "Demo Seller (Amazon sandbox)"
DEMO_MAILDIR = "demo"  # inside MAILDIR_ROOT, where `python -m sandbox.mail` writes
DEMO_MARKETPLACES = [
    "A1PA6795UKMFR9",
    "A1F83G8C2ARO7P",
    "A13V1IB3VIYZZH",
    "APJ6JRA9NG5V4",
    "A1RKKUPIHCS9HS",
]


class Command(BaseCommand):
    help = "Create the demo seller account and its owner login if they do not exist yet."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        owner = User.objects.filter(email__iexact=DEMO_EMAIL).first()
        if owner is None:
            password = secrets.token_urlsafe(12)
            owner = User.objects.create_user(DEMO_EMAIL, password, name="Demo Owner")
            self.stdout.write(f"login: {DEMO_EMAIL} password: {password}")
        if not Membership.objects.filter(user=owner, seller_account__name=DEMO_ACCOUNT).exists():
            create_seller_account(
                name=DEMO_ACCOUNT,
                region="EU",
                marketplace_ids=DEMO_MARKETPLACES,
                owner=owner,
                time_zone="Europe/Berlin",
            )
            self.stdout.write(f"created seller account {DEMO_ACCOUNT!r}")
        self._demo_mailbox(owner)

    def _demo_mailbox(self, owner: User) -> None:
        """The demo seller's mailbox: a Maildir the sandbox fills with buyer mail."""
        account = SellerAccount.objects.get(memberships__user=owner, name=DEMO_ACCOUNT)
        if account.mailboxes.exists():
            return
        for sub in ("cur", "new", "tmp"):
            (Path(settings.MAILDIR_ROOT) / DEMO_MAILDIR / sub).mkdir(parents=True, exist_ok=True)
        Mailbox.objects.create(
            seller_account=account,
            name="Demo mailbox (sandbox)",
            kind=MailboxKind.MAILDIR,
            email_address="support@demo.example",
            maildir_path=DEMO_MAILDIR,
        )
        self.stdout.write("created the demo Maildir mailbox")
