"""Create the demo seller account and its owner login, once."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, SellerAccount, User
from accounts.services import create_seller_account
from helpdesk.demo import DEMO_ACCOUNT, DEMO_EMAIL, DEMO_MAILDIR, DEMO_MARKETPLACES
from messaging.models import Mailbox, MailboxKind, SmtpSecurity

# The sandbox's own app credentials (`python -m sandbox serve` defaults): not secrets.
SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105
SANDBOX_REFRESH_TOKEN = "Atzr|demo-seller"  # noqa: S105


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
        if settings.AMAZON_SANDBOX_URL:
            transaction.on_commit(self.connect_to_sandbox)

    def connect_to_sandbox(self) -> None:
        """Point the demo account at the local Amazon sandbox and pull its recent orders."""
        account = SellerAccount.objects.get(name=DEMO_ACCOUNT)
        url = settings.AMAZON_SANDBOX_URL
        if account.sp_api_endpoint == url and account.refresh_token:
            return  # connected on an earlier start; beat keeps its orders current
        # Imported here: it loads the SP-API client, which later starts need not wait for.
        from orders import services as order_services

        order_services.save_connection(
            account,
            None,
            order_services.ConnectionSettings(
                lwa_client_id=SANDBOX_CLIENT_ID,
                lwa_client_secret=SANDBOX_CLIENT_SECRET,
                refresh_token=SANDBOX_REFRESH_TOKEN,
                region=account.region,
                marketplace_ids=DEMO_MARKETPLACES,
                orders_api_version=account.orders_api_version,
                sp_api_endpoint=url,
                lwa_endpoint=url,
            ),
        )
        account.refresh_from_db()
        checks = order_services.check_connection(account, None)
        failed = [f"{c.name}: {c.detail}" for c in checks if c.ok is False]
        self.stdout.write(
            "connected the demo seller to the Amazon sandbox"
            if not failed
            else f"the Amazon sandbox connection failed: {'; '.join(failed)}"
        )
        try:
            report = order_services.sync_recent_orders(account.pk)
        except Exception as error:  # the demo still starts; beat retries the sync
            self.stdout.write(f"order sync from the sandbox failed: {error}")
            return
        if report is not None:
            self.stdout.write(f"synced {report.requested} recent orders from the Amazon sandbox")

    def _demo_mailbox(self, owner: User) -> None:
        """The demo seller's mailbox: a Maildir the sandbox fills with buyer mail, sending
        replies through the sandbox's stand-in for Amazon's relay (its port may change)."""
        account = SellerAccount.objects.get(memberships__user=owner, name=DEMO_ACCOUNT)
        mailbox = account.mailboxes.first()
        if mailbox is None:
            for sub in ("cur", "new", "tmp"):
                (Path(settings.MAILDIR_ROOT) / DEMO_MAILDIR / sub).mkdir(
                    parents=True, exist_ok=True
                )
            mailbox = Mailbox.objects.create(
                seller_account=account,
                name="Demo mailbox (sandbox)",
                kind=MailboxKind.MAILDIR,
                email_address="support@demo.example",
                maildir_path=DEMO_MAILDIR,
            )
            self.stdout.write("created the demo Maildir mailbox")
        if settings.AMAZON_SANDBOX_RELAY:
            host, _, port = settings.AMAZON_SANDBOX_RELAY.rpartition(":")
            mailbox.smtp_host, mailbox.smtp_port = host, int(port)
            mailbox.smtp_security = SmtpSecurity.NONE  # loopback only
            mailbox.save(update_fields=["smtp_host", "smtp_port", "smtp_security"])
