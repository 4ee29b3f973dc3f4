"""Metric emails: the 4-hours-left warning for a thread, and the owner's daily summary.

Both are sent by beat tasks. A warning is recorded (thread, clock) in the same transaction that
sends it, so each clock warns once; if the mail server fails, the transaction rolls back and the
next run tries again (at least once, never silently dropped).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, SellerAccount, User
from messaging.models import Thread

from . import links, rollups, selectors
from .models import AtRiskAlert, DailySummarySent
from .services import may_get_at_risk_email, may_get_daily_summary, preference_for

ALERT_HOURS_BEFORE_BREACH = 4
SUMMARY_LOCAL_HOUR = 7  # the daily summary goes out after 07:00 in the seller's time zone


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _message(user: User, subject: Callable[[], str], template: str, context: dict) -> EmailMessage:
    """The email in the recipient's language (subject built inside it), with times in their
    time zone."""
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(_zone(user.time_zone)),
    ):
        body = render_to_string(template, {"user": user, **context})
        title = subject()
    return EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _members(account_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(
            seller_account_id=account_id, is_active=True, user__is_active=True
        )
        .select_related("user", "alert_preference")
        .prefetch_related("marketplaces")
    )


def at_risk_recipients(thread: Thread) -> list[User]:
    """The assignee; for an unassigned thread (or one whose assignee left), the account's agents
    who can see it. Anyone who switched the warning off is skipped."""
    members = _members(thread.seller_account_id)
    may_reply = [m for m in members if may_get_at_risk_email(m)]
    assigned = [m for m in may_reply if m.user_id == thread.assignee_id]
    if assigned:
        chosen = assigned
    else:
        chosen = [
            m
            for m in may_reply
            if m.role == Role.AGENT
            and not m.assigned_only
            and (
                not m.marketplaces.all()
                or thread.marketplace_id in {mp.id for mp in m.marketplaces.all()}
            )
        ]
    return [m.user for m in chosen if preference_for(m).at_risk_email]


def due_at_risk(now: datetime) -> list[int]:
    """Threads whose clock breaches 24 hours within 4 hours and has not been warned about."""
    warned = AtRiskAlert.objects.filter(
        thread_id=OuterRef("pk"), clock_started_at=OuterRef("clock_started_at")
    )
    return list(
        Thread.objects.filter(
            response_deadline__gt=now,
            response_deadline__lte=now + timedelta(hours=ALERT_HOURS_BEFORE_BREACH),
        )
        .exclude(Exists(warned))
        .order_by("response_deadline")
        .values_list("pk", flat=True)
    )


def send_at_risk_alert(thread_id: int, now: datetime | None = None) -> int:
    """Warn about one thread's running clock, once; returns the number of emails sent."""
    now = now or timezone.now()
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("seller_account", "assignee")
            .filter(pk=thread_id)
            .first()
        )
        if thread is None or thread.response_deadline is None:
            return 0
        if not now < thread.response_deadline <= now + timedelta(hours=ALERT_HOURS_BEFORE_BREACH):
            return 0
        alert, created = AtRiskAlert.objects.get_or_create(
            thread=thread,
            clock_started_at=thread.clock_started_at,
            defaults={"sent_at": now},
        )
        if not created:
            return 0
        recipients = at_risk_recipients(thread)
        context = {
            "thread": thread,
            "account": thread.seller_account,
            "deadline": thread.response_deadline,
            "seconds_left": int((thread.response_deadline - now).total_seconds()),
            "thread_url": links.absolute(links.thread_url(thread.pk)),
            "dashboard_url": links.absolute(reverse("messaging:dashboard")),
        }
        messages = [
            _message(
                user,
                lambda: (
                    _("24-hour deadline in under %(hours)s hours: %(account)s")
                    % {"hours": ALERT_HOURS_BEFORE_BREACH, "account": thread.seller_account.name}
                ),
                "messaging/dashboard_email_at_risk.txt",
                context,
            )
            for user in recipients
        ]
        if messages:
            get_connection().send_messages(messages)
        alert.recipients = len(messages)
        alert.save(update_fields=["recipients"])
    return len(messages)


def send_due_at_risk_alerts(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(send_at_risk_alert(thread_id, now) for thread_id in due_at_risk(now))


def summary_context(owner: User, account: SellerAccount, now: datetime) -> dict:
    """The figures of the daily summary, read exactly as the owner's dashboard reads them."""
    scope = selectors.dashboard_scope(owner, account)
    today = rollups.core.local_day(now, scope.zone)
    yesterday = today - timedelta(days=1)
    windows = [
        (_("Yesterday"), selectors.Window(yesterday, yesterday)),
        (_("Last 7 days"), selectors.Window.last_days(7, today)),
        (_("Last 30 days"), selectors.Window.last_days(30, today)),
    ]
    return {
        "account": account,
        "day": yesterday,
        "rows": [(label, selectors.figures(scope, w, now).total) for label, w in windows],
        "at_risk": selectors.at_risk(scope, now),
        "nrn_to_copy": selectors.nrn_to_copy(scope, now).count,
        "dashboard_url": links.absolute(f"{reverse('messaging:dashboard')}?account={account.pk}"),
    }


def send_daily_summaries(now: datetime | None = None) -> int:
    """Send each owner who wants it the summary of yesterday, once a day, after 07:00 in the
    seller account's time zone. Returns the number of emails sent."""
    now = now or timezone.now()
    sent = 0
    for account in SellerAccount.objects.order_by("pk"):
        local = now.astimezone(rollups.zone_of(account))
        if local.hour < SUMMARY_LOCAL_HOUR:
            continue
        for membership in _members(account.pk):
            if not may_get_daily_summary(membership):
                continue
            if not preference_for(membership).daily_summary_email:
                continue
            sent += _send_summary(membership.user, account, local.date(), now)
    return sent


def _send_summary(owner: User, account: SellerAccount, day, now: datetime) -> int:
    with transaction.atomic():
        _sent, created = DailySummarySent.objects.get_or_create(
            seller_account=account, user=owner, day=day, defaults={"sent_at": now}
        )
        if not created:
            return 0
        owner.__dict__.pop("_scoping_grants", None)
        with translation.override(owner.language or settings.LANGUAGE_CODE):
            context = summary_context(owner, account, now)
        message = _message(
            owner,
            lambda: _("Daily response-time summary: %(account)s") % {"account": account.name},
            "messaging/dashboard_email_summary.txt",
            context,
        )
        message.send()
    return 1
