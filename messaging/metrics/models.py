"""Daily rollups of the 24-hour measure, their dirty marks, alert bookkeeping and preferences."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, SellerAccount
from messaging.models import Thread


class ResponseDay(models.Model):
    """One seller account's buyer messages received on one calendar day (in the account's time
    zone), for one marketplace and one agent: the counts, and the response times of the
    answered ones so that averages, medians and histograms stay exact.

    "Open" messages are neither answered nor marked; whether they are still pending or already
    unanswered depends on the time of the question, so the dashboard decides that when it reads.
    """

    seller_account = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Plain values rather than foreign keys: a rollup outlives a deleted user or marketplace.
    # "" is a thread without a marketplace.
    marketplace_id = models.CharField(max_length=20, blank=True)
    agent_id = models.BigIntegerField(null=True, blank=True)
    received = models.PositiveIntegerField(default=0)
    within_24h = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    nrn = models.PositiveIntegerField(default=0)
    response_seconds = ArrayField(models.IntegerField(), default=list, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller_account", "day", "marketplace_id", "agent_id"],
                name="response_day_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller_account_id} {self.day} {self.marketplace_id} {self.agent_id}"


class RollupDirtyMark(models.Model):
    """A buyer message received at `received_at` changed: its day's rollup must be recomputed.

    Written in the same transaction as the change (so it cannot be lost), consumed by the
    refresh task; until then the dashboard computes that day from the messages themselves.
    """

    seller_account = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["seller_account", "received_at"], name="rollup_dirty_account_idx")
        ]

    def __str__(self) -> str:
        return f"{self.seller_account_id} {self.received_at:%Y-%m-%d %H:%M}"


class AtRiskAlert(models.Model):
    """The 4-hours-left email for one thread's clock: sent at most once per clock."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    clock_started_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "clock_started_at"], name="at_risk_alert_once_per_clock"
            ),
        ]

    def __str__(self) -> str:
        return f"thread {self.thread_id} clock {self.clock_started_at:%Y-%m-%d %H:%M}"


class DailySummarySent(models.Model):
    """One owner's daily summary for one account and one day: sent at most once."""

    seller_account = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller_account", "user", "day"], name="daily_summary_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class AlertPreference(models.Model):
    """A member's choice of metric emails for one seller account; no row means both are on."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="alert_preference"
    )
    at_risk_email = models.BooleanField(
        _("email me when a thread is 4 hours from breaching 24 hours"), default=True
    )
    daily_summary_email = models.BooleanField(_("daily summary email (owners)"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alerts of membership {self.membership_id}"


class SellerCentralNrn(models.Model):
    """A "No Response Needed" mark made here. Amazon's metric cannot see it: someone has to set
    the same mark in Seller Central, and records here that they did."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    seller_account = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="+")
    marketplace_id = models.CharField(max_length=20, blank=True)
    marked_at = models.DateTimeField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The newest buyer message the mark covered: once it is older than Amazon's longest window
    # (90 days) the mark no longer matters to the metric.
    newest_received_at = models.DateTimeField()
    done_in_seller_central_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["seller_account", "marked_at"],
                condition=models.Q(done_in_seller_central_at__isnull=True),
                name="nrn_still_to_copy_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"thread {self.thread_id} marked {self.marked_at:%Y-%m-%d %H:%M}"
