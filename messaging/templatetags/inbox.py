"""Template helpers of the inbox: deadlines, buyer HTML, initials."""

from datetime import datetime, timedelta

import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

DUE_SOON = timedelta(hours=6)

# Buyer HTML was sanitised at ingestion; we clean it again with a narrower list on the way out
# (no images: remote images track the reader; no styles, no forms).
SAFE_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "i", "li", "ol", "p", "pre", "span",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@register.filter
def sanitised(html: str) -> SafeString:
    """Buyer HTML cleaned with nh3 (links made inert for referrers, no scripts, no images)."""
    return mark_safe(  # noqa: S308 - nh3 output is safe by construction
        nh3.clean(
            html or "",
            tags=SAFE_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


@register.simple_tag
def deadline_state(deadline: datetime | None, now: datetime | None = None) -> str:
    """ "overdue", "due-soon" (under 6 hours left) or "on-time" ("" without a deadline)."""
    if deadline is None:
        return ""
    left = deadline - (now or timezone.now())
    if left <= timedelta(0):
        return "overdue"
    return "due-soon" if left < DUE_SOON else "on-time"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(d)dd %(h)dh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)dh %(m)02dm") % {"h": hours, "m": minutes}
    return _("%(m)dm") % {"m": minutes}


@register.simple_tag
def time_left(deadline: datetime | None, now: datetime | None = None) -> str:
    """ "5h 12m left" or "overdue 2h 03m", for the countdown (the browser keeps it current)."""
    if deadline is None:
        return ""
    left = deadline - (now or timezone.now())
    if left <= timedelta(0):
        return _("overdue %(span)s") % {"span": _span(-left)}
    return _("%(span)s left") % {"span": _span(left)}


@register.filter
def initials(user) -> str:
    name = (getattr(user, "name", "") or getattr(user, "email", "") or "?").strip()
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.simple_tag
def filter_query(filters, **changes: object) -> str:
    """The inbox filters as a query string with `changes` applied (a new view starts over)."""
    from ..views.common import filters_query

    return filters_query(filters, **changes)
