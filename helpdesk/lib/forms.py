"""Form helpers that import no app."""

from django import forms


def secret_field(label: str, help_text: str, max_length: int | None = None) -> forms.CharField:
    """A write-only secret (password, token): never shown back; left empty, the stored value
    is kept (the form or service decides that)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )
