"""Forms of the team pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, SellerAccount


def _role_choices(actor_role: str) -> list[tuple[str, str]]:
    # Only an owner can make someone an owner (accounts.services enforces it as well).
    return [(value, label) for value, label in Role.choices if value != Role.OWNER] + (
        [(Role.OWNER.value, Role.OWNER.label)] if actor_role == Role.OWNER else []
    )


class PlainLabelsForm(forms.Form):
    """Labels without Django's trailing colon: the pages set them above their fields."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AccessForm(PlainLabelsForm):
    role = forms.ChoiceField(label=_("Role"))
    marketplaces = forms.MultipleChoiceField(
        label=_("Marketplaces"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every marketplace of the account."),
    )
    assigned_only = forms.BooleanField(
        label=_("Only threads assigned to them"),
        required=False,
        help_text=_("Agents and read-only members then see just the threads assigned to them."),
    )

    def __init__(
        self, *args: object, account: SellerAccount, actor_role: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor_role)
        self.fields["marketplaces"].choices = [
            (m.pk, f"{m.country_code} · {m.name}") for m in account.marketplaces.all()
        ]


class InviteForm(AccessForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    field_order = ["email", "role", "marketplaces", "assigned_only"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.AGENT


class TwoFactorPolicyForm(PlainLabelsForm):
    required = forms.BooleanField(
        label=_("Everyone on this team must use two-factor authentication"), required=False
    )
