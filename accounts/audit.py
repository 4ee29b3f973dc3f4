"""The audit trail: one call records one thing a person did."""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, SellerAccount, User


def record(
    actor: User | None,
    action: str,
    *,
    seller_account: SellerAccount | int | None,
    target: Model | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Record `action` (a dotted name such as "thread.assigned") by `actor` on `target`.

    Call it inside the transaction of the change it describes, so the trail and the change
    commit or roll back together. Never put secrets in `data`.
    """
    account_id = seller_account.pk if isinstance(seller_account, SellerAccount) else seller_account
    return AuditEvent.objects.create(
        seller_account_id=account_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


# What each action is called on the audit log page. Apps add their own actions here; an action
# missing from this table is still recorded and shown by its dotted name.
ACTION_LABELS: dict[str, str] = {
    "auth.signed_in": _("Signed in"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "user.two_factor_enabled": _("Two-factor authentication turned on"),
    "user.two_factor_disabled": _("Two-factor authentication turned off"),
    "user.recovery_codes_replaced": _("Recovery codes replaced"),
    "member.invited": _("Member invited"),
    "member.invitation_resent": _("Invitation sent again"),
    "member.invitation_withdrawn": _("Invitation withdrawn"),
    "member.joined": _("Member joined"),
    "member.role_changed": _("Role changed"),
    "member.access_changed": _("Access changed"),
    "member.deactivated": _("Member deactivated"),
    "member.reactivated": _("Member reactivated"),
    "account.two_factor_required": _("Two-factor authentication made mandatory"),
    "account.two_factor_optional": _("Two-factor authentication made optional"),
    "account.secret_changed": _("Amazon connection secret changed"),
    "mailbox.secret_changed": _("Mailbox password changed"),
    "audit.exported": _("Audit log exported"),
    "thread.reply_sent": _("Reply sent"),
    "thread.no_response_needed": _("Marked No Response Needed"),
    "thread.no_response_needed_undone": _("No Response Needed undone"),
    "thread.assigned": _("Thread assigned"),
    "thread.returned_to_queue": _("Threads returned to the queue"),
    "thread.closed": _("Thread closed"),
    "thread.reopened": _("Thread reopened"),
    "thread.tagged": _("Tag added"),
    "thread.untagged": _("Tag removed"),
    "thread.no_response_needed_copied_to_seller_central": _(
        "No Response Needed also marked in Seller Central"
    ),
    "tag.created": _("Tag created"),
    "reply.resent": _("Reply sent again"),
    "reply.confirmed_sent": _("Reply confirmed as sent"),
    "reply_template.created": _("Reply template created"),
    "reply_template.changed": _("Reply template changed"),
    "reply_template.deleted": _("Reply template deleted"),
    "seller_account.connection_saved": _("Amazon connection saved"),
    "seller_account.connection_tested": _("Amazon connection tested"),
    "seller_account.needs_reauthorisation": _("Amazon connection needs re-authorisation"),
    "mailbox.created": _("Mailbox added"),
    "mailbox.updated": _("Mailbox changed"),
    "mailbox.sync_requested": _("Mailbox sync started"),
    "mailbox.quarantine_retried": _("Quarantined mail retried"),
    "metrics.alert_preferences_changed": _("Email alert preferences changed"),
    "order.proactive_message_sent": _("Proactive message sent"),
    "order.proactive_message_failed": _("Proactive message refused by Amazon"),
    "order.proactive_message_uncertain": _("Proactive message without a clear answer"),
    "order.review_requested": _("Review requested"),
    "order.review_request_failed": _("Review request refused by Amazon"),
    "order.review_request_uncertain": _("Review request without a clear answer"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def describe(event: AuditEvent) -> str:
    """A short line of what changed, from the event's data (never contains secrets)."""
    data = event.data or {}
    parts = []
    for key, value in data.items():
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            value = f"{_format(value['from'])} → {_format(value['to'])}"
        elif key in {"from", "to"}:
            continue
        parts.append(f"{key}: {_format(value)}")
    if "from" in data and "to" in data:
        parts.insert(0, f"{_format(data['from'])} → {_format(data['to'])}")
    return "; ".join(parts)


def _format(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
