"""The dashboard's filter form and the alert preferences form."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Window

MAX_WINDOW_DAYS = 400


class DashboardFilterForm(forms.Form):
    """Which account, marketplace and days the dashboard shows. Unknown values fall back to the
    defaults rather than failing the page; an account the user cannot see is a 404 (the view)."""

    WINDOWS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days"))]
    WINDOWS_AND_DATES = [*WINDOWS, ("dates", _("Dates"))]
    DEFAULT_WINDOW = "30"

    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    marketplace = forms.ChoiceField(label=_("Marketplace"), required=False)
    window = forms.ChoiceField(
        label=_("Window"), choices=WINDOWS_AND_DATES, required=False, initial=DEFAULT_WINDOW
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, marketplaces: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("window"):
            # Other filters chosen but no window: show (and use) the default one.
            self.data = self.data.copy()
            self.data["window"] = self.DEFAULT_WINDOW
        self.fields["marketplace"].choices = [("", _("All marketplaces")), *marketplaces]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("window") == "dates":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates, or one of the fixed windows."))
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days + 1 > MAX_WINDOW_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)s days.") % {"days": MAX_WINDOW_DAYS}
                )
        return data

    def window_for(self, today: date) -> Window:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("window") == "dates":
            return Window(data["start"], data["end"])
        return Window.last_days(int(data.get("window") or self.DEFAULT_WINDOW), today)

    def chosen_marketplace(self) -> str | None:
        return (self.cleaned_data.get("marketplace") or None) if self.is_valid() else None


class AlertPreferenceForm(forms.Form):
    account = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    at_risk_email = forms.BooleanField(
        label=_("Email me when a thread is 4 hours from breaching 24 hours"), required=False
    )
    daily_summary_email = forms.BooleanField(
        label=_("Send me the daily summary of the figures"), required=False
    )
