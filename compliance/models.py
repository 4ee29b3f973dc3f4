"""What the product remembers of compliance checks: the findings that mattered.

Not every keystroke check is stored, only checks with a consequence: a send the server refused,
a send made after the agent confirmed warnings, a template save refused or saved with warnings,
and what the composer stopped an agent from sending (once per agent, thread, rule and day).
One row per finding; the text itself is not kept, only the excerpt the finding points at.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import SellerAccount

EXCERPT_LENGTH = 120


class Outcome(models.TextChoices):
    COMPOSER_BLOCKED = "composer_blocked", _("Stopped in the composer")
    SEND_REFUSED = "send_refused", _("Send refused by the server")
    SENT_WITH_WARNINGS = "sent_with_warnings", _("Sent after confirming warnings")
    TEMPLATE_REFUSED = "template_refused", _("Template save refused")
    TEMPLATE_WARNED = "template_warned", _("Template saved with warnings")


class Source(models.TextChoices):
    REPLY = "reply", _("Reply")
    PROACTIVE = "proactive", _("Proactive message")
    TEMPLATE = "template", _("Reply template")


class ComplianceEvent(models.Model):
    """One finding that mattered: which rule, how severe, who, in which account, when."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="compliance_events"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    day = models.DateField()  # occurred_at's UTC day: composer events count once per day
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The thread, order or template the text belonged to (an id of another app: no foreign key,
    # compliance sits below the apps that own them).
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    rule_id = models.CharField(max_length=40)
    severity = models.CharField(max_length=5)  # "block" or "warn"
    excerpt = models.CharField(max_length=EXCERPT_LENGTH, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["seller_account", "occurred_at"], name="compliance_event_account_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "source", "source_id", "rule_id", "day"],
                condition=models.Q(outcome="composer_blocked"),
                name="compliance_composer_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.severity} {self.get_outcome_display()}"
