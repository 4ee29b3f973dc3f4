"""Re-encrypt every stored secret under the newest FIELD_ENCRYPTION_KEY."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.lib.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt all secrets with the first key in FIELD_ENCRYPTION_KEY. Put the new key first, "
        "keep the old ones after it, run this, then remove the old keys."
    )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        for model in apps.get_models():
            names = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            if not names:
                continue
            count = 0
            for obj in model._default_manager.select_for_update().only("pk", *names).iterator():
                obj.save(update_fields=names)  # decrypted on load, encrypted with the newest key
                count += 1
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} row(s)")
