"""The form that connects a seller account to the SP-API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Marketplace, OrdersApiVersion, Region, SellerAccount
from helpdesk.lib.forms import secret_field


class ConnectionForm(forms.Form):
    lwa_client_id = forms.CharField(
        label=_("LWA client id"),
        max_length=200,
        help_text=_("From your SP-API app in Seller Central (amzn1.application-oa2-client...)."),
    )
    lwa_client_secret = secret_field(
        _("LWA client secret"),
        _("Stored encrypted and never shown again. Leave empty to keep the stored one."),
    )
    refresh_token = secret_field(
        _("Refresh token"),
        _("Starts with Atzr|. Stored encrypted; leave empty to keep the stored one."),
        max_length=2048,
    )
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    marketplaces = forms.ModelMultipleChoiceField(
        label=_("Marketplaces"),
        queryset=Marketplace.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    orders_api_version = forms.ChoiceField(
        label=_("Orders API version"), choices=OrdersApiVersion.choices
    )
    merchant_id = forms.CharField(label=_("Selling partner id"), max_length=32, required=False)
    sp_api_endpoint = forms.URLField(
        assume_scheme="https",
        label=_("SP-API endpoint"),
        required=False,
        help_text=_("Leave empty for Amazon's own endpoint of the region."),
    )
    lwa_endpoint = forms.URLField(
        assume_scheme="https",
        label=_("Login with Amazon endpoint"),
        required=False,
        help_text=_("Leave empty for Amazon's own (https://api.amazon.com)."),
    )

    def __init__(self, *args: object, account: SellerAccount, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_refresh_token(self) -> str:
        token = self.cleaned_data["refresh_token"].strip()
        if token and not token.startswith("Atzr|"):
            raise forms.ValidationError(_("A refresh token starts with Atzr|."))
        if not token and not self.account.refresh_token:
            raise forms.ValidationError(_("Enter the refresh token."))
        return token

    def clean_lwa_client_secret(self) -> str:
        secret = self.cleaned_data["lwa_client_secret"].strip()
        if not secret and not self.account.lwa_client_secret:
            raise forms.ValidationError(_("Enter the client secret."))
        return secret

    def clean(self) -> dict:
        data = super().clean()
        region, marketplaces = data.get("region"), data.get("marketplaces")
        if region and marketplaces:
            wrong = [m.country_code for m in marketplaces if m.region != region]
            if wrong:
                raise forms.ValidationError(
                    _("These marketplaces are not in the chosen region: %(list)s.")
                    % {"list": ", ".join(wrong)}
                )
        return data
