"""Rebuild the daily response-time rollups from the messages."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import SellerAccount
from messaging.metrics import rollups


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's daily rollups from the stored messages: after installing or "
        "upgrading, after changing a seller account's time zone, or after loading messages "
        "without the services. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", type=int, help="Only this seller account id.")
        parser.add_argument("--from", dest="first", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="last", help="Last day (YYYY-MM-DD).")

    def handle(self, *args: object, **options: object) -> None:
        try:
            first = date.fromisoformat(options["first"]) if options["first"] else None
            last = date.fromisoformat(options["last"]) if options["last"] else None
        except ValueError:
            raise CommandError("--from and --to take dates as YYYY-MM-DD.") from None
        accounts = SellerAccount.objects.order_by("pk")
        if options["account"]:
            accounts = accounts.filter(pk=options["account"])
            if not accounts.exists():
                raise CommandError(f"No seller account with id {options['account']}.")
        for account in accounts:
            days = rollups.rebuild(account, first=first, last=last)
            self.stdout.write(f"{account.name}: {days} days rebuilt")
