"""The mailbox source form: IMAP or Maildir for incoming mail, SMTP for replies."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk.lib.forms import secret_field

from ..models import Mailbox, MailboxKind

SECRETS = ("imap_password", "smtp_password")


class MailboxForm(forms.ModelForm):
    # Passwords are write-only: never shown back; left empty, the stored one is kept.
    imap_password = secret_field(_("IMAP password"), _("Leave empty to keep the saved password."))
    smtp_password = secret_field(_("SMTP password"), _("Leave empty to keep the saved password."))

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "kind",
            "email_address",
            "enabled",
            "imap_host",
            "imap_port",
            "imap_use_tls",
            "imap_username",
            "imap_password",
            "imap_folder",
            "maildir_path",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_username",
            "smtp_password",
        ]
        labels = {
            "kind": _("Source"),
            "enabled": _("Fetch mail from this mailbox"),
            "imap_host": _("IMAP server"),
            "imap_port": _("IMAP port"),
            "imap_use_tls": _("Use TLS (port 993)"),
            "imap_username": _("IMAP user name"),
            "imap_folder": _("IMAP folder"),
            "maildir_path": _("Maildir directory"),
            "smtp_host": _("SMTP server (for replies)"),
            "smtp_port": _("SMTP port"),
            "smtp_security": _("SMTP security"),
            "smtp_username": _("SMTP user name"),
        }
        help_texts = {
            "email_address": _("The address registered with Amazon for buyer messages."),
            "maildir_path": _("A directory inside the server's mail directory (MAILDIR_ROOT)."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.stored_secrets = {name: getattr(self.instance, name) for name in SECRETS}

    def clean_maildir_path(self) -> str:
        value = self.cleaned_data["maildir_path"].strip()
        if not value:
            return value
        root = Path(settings.MAILDIR_ROOT).resolve()
        if not (root / value).resolve().is_relative_to(root):
            raise forms.ValidationError(
                _("The Maildir must be a directory inside the server's mail directory.")
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        for name in SECRETS:  # an empty password field keeps what is stored
            if not data.get(name):
                data[name] = self.stored_secrets[name]
        if data.get("kind") == MailboxKind.IMAP:
            for name in ("imap_host", "imap_username", "imap_password"):
                if not data.get(name):
                    self.add_error(name, _("Needed for an IMAP mailbox."))
        elif data.get("kind") == MailboxKind.MAILDIR and not data.get("maildir_path"):
            self.add_error("maildir_path", _("Needed for a Maildir mailbox."))
        return data

    def changed_fields(self) -> list[str]:
        return [
            name
            for name in self.changed_data
            if name not in SECRETS or self.cleaned_data.get(name) != self.stored_secrets[name]
        ]
