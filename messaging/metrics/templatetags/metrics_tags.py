"""Formatting for the dashboard and the metric emails."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | int | None) -> str:
    """Seconds as a short human duration: "45 min", "3 h 20 min", "2 d 4 h"; a dash for none."""
    if seconds is None:
        return "\u2013"
    minutes = int(seconds) // 60
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h") % {"d": days, "h": hours}


@register.filter
def percent(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1f}%"
