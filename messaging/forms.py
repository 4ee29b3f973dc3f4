"""Forms of the inbox, the composer and the reply-template pages."""

import json
from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ReplyTemplate
from .selectors import InboxFilter, View

# Amazon's limit for the attachments of one message (a total), and the file types the project
# allows (shared/amazon rules 23 and 24: allow-list by extension).
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "gif", "tif", "tiff", "txt", "doc", "docx")
MAX_ATTACHMENTS = 5

# Languages buyers write in on Amazon's marketplaces (two-letter codes, as on threads).
LANGUAGE_NAMES = {
    "en": _("English"),
    "de": _("German"),
    "fr": _("French"),
    "es": _("Spanish"),
    "it": _("Italian"),
    "pt": _("Portuguese"),
    "nl": _("Dutch"),
    "sv": _("Swedish"),
    "pl": _("Polish"),
    "tr": _("Turkish"),
    "ar": _("Arabic"),
    "ru": _("Russian"),
    "ja": _("Japanese"),
    "zh": _("Chinese"),
}

VIEW_LABELS = {
    View.NEEDS_REPLY: _("Needs reply"),
    View.OVERDUE: _("Overdue"),
    View.UNREAD: _("Unread"),
    View.REPLIED: _("Replied"),
    View.NO_RESPONSE_NEEDED: _("No response needed"),
    View.CLOSED: _("Closed"),
    View.ALL: _("All"),
}


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(choices=list(VIEW_LABELS.items()), required=False)
    account = forms.IntegerField(required=False, min_value=1)
    marketplace = forms.CharField(required=False, max_length=20)
    tag = forms.IntegerField(required=False, min_value=1)
    assignee = forms.RegexField(regex=r"^(mine|unassigned|\d+)?$", required=False)
    language = forms.RegexField(regex=r"^[a-zA-Z-]{0,10}$", required=False)
    q = forms.CharField(required=False, max_length=200, strip=True)
    after = forms.CharField(required=False, max_length=80)

    def filters(self) -> InboxFilter:
        """The valid filters; an invalid value is dropped, not an error page."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
        for name in self.errors:
            data.pop(name, None)
        if not data.get("view"):
            # A search looks everywhere unless a view is chosen.
            data["view"] = View.ALL if data.get("q") else View.NEEDS_REPLY
        return InboxFilter(**data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 6, "id": "reply-text"}),
        max_length=20000,
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    # The warnings the agent confirmed ("I have read the warnings"): their digest.
    confirm_warnings = forms.CharField(required=False, max_length=64)

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files to one reply.") % {"count": MAX_ATTACHMENTS}
            )
        for upload in files:
            extension = PurePath(upload.name).suffix.lower().lstrip(".")
            if extension not in ALLOWED_EXTENSIONS:
                raise forms.ValidationError(
                    _("%(name)s: Amazon accepts only these file types: %(types)s.")
                    % {"name": upload.name, "types": ", ".join(ALLOWED_EXTENSIONS)}
                )
        total = sum(upload.size for upload in files)
        if total > MAX_ATTACHMENTS_BYTES:
            raise forms.ValidationError(
                _("Attachments may add up to at most %(limit)s; these are %(size)s.")
                % {
                    "limit": filesizeformat(MAX_ATTACHMENTS_BYTES),
                    "size": filesizeformat(total),
                }
            )
        return files


class DraftForm(forms.Form):
    text = forms.CharField(required=False, max_length=20000, strip=False)


class NoResponseNeededForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=200)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(required=False, min_value=1)


class TagForm(forms.Form):
    name = forms.CharField(label=_("Tag"), max_length=50)


class BulkForm(forms.Form):
    ACTIONS = [
        ("no_response_needed", _("Mark no response needed")),
        ("tag", _("Add tag")),
        ("assign", _("Assign")),
        ("close", _("Close")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    threads = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    tag = forms.CharField(required=False, max_length=50)
    assignee = forms.RegexField(regex=r"^(unassigned|\d+)?$", required=False)
    reason = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("threads") if hasattr(self.data, "getlist") else []
        # Any id is acceptable to the form; the view narrows them to the user's scope.
        self.fields["threads"].choices = [(i, i) for i in ids if str(i).isdigit()][:500]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "tag" and not data.get("tag", "").strip():
            self.add_error("tag", _("Name the tag to add."))
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the threads to."))
        return data


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["seller_account", "name", "language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, accounts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seller_account"].queryset = accounts
        self.fields["seller_account"].empty_label = None
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=list(LANGUAGE_NAMES.items())
        )
        if self.instance.pk:
            self.fields["seller_account"].disabled = True


class ComplianceCheckForm(forms.Form):
    """What the composer sends to be checked as the agent types: the text, what the file input
    holds (names, sizes and types only, never the files) and the confirmation so far."""

    text = forms.CharField(required=False, max_length=20000, strip=False)
    attachment_meta = forms.CharField(required=False, max_length=5000)
    confirm_warnings = forms.CharField(required=False, max_length=64)
    message_type = forms.CharField(required=False, max_length=40)

    def attachments(self) -> list[tuple[str, int, str]]:
        """(name, size, content type) of each attachment the browser described."""
        try:
            items = json.loads(self.cleaned_data.get("attachment_meta") or "[]")
        except ValueError:
            return []
        found = []
        for item in items[: MAX_ATTACHMENTS + 1] if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                size = item.get("size")
                found.append(
                    (
                        item["name"][:255],
                        size if isinstance(size, int) and size >= 0 else 0,
                        str(item.get("type") or "")[:127],
                    )
                )
        return found


class ProactiveMessageForm(forms.Form):
    message_type = forms.CharField(max_length=40)
    # The type's own limit (400 to 2000 characters) is enforced by the service, which says it.
    text = forms.CharField(max_length=20000, strip=True)
    idempotency_key = forms.RegexField(regex=r"^[0-9a-f]{32}$")
    confirm_warnings = forms.CharField(required=False, max_length=64)
