"""Print what the parser makes of one .eml file, as JSON."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.marketplaces import BY_ID
from messaging.ingest.parse import parse_mail
from messaging.ingest.types import UnparseableMail


class Command(BaseCommand):
    help = "Parse one raw mail (.eml) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .eml file")

    def handle(self, *args, file: Path, **options):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            parsed = parse_mail(raw, max_attachment_bytes=settings.MAIL_ATTACHMENT_MAX_BYTES)
        except UnparseableMail as exc:
            self.stdout.write(json.dumps({"kind": "unparseable", "error": str(exc)}, indent=2))
            raise CommandError(f"unparseable: {exc}") from exc
        data = parsed.as_json()
        info = BY_ID.get(parsed.marketplace_id)
        data["marketplace"] = f"{info.name} ({info.marketplace_id})" if info else ""
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
