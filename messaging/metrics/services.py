"""Things people do on the dashboard: confirm an NRN mark was copied to Seller Central, and
switch their metric emails on or off. Each is atomic and audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import audit, scoping
from accounts.models import Membership, User

from .models import AlertPreference, SellerCentralNrn


@transaction.atomic
def confirm_done_in_seller_central(user: User, reminder_id: int) -> SellerCentralNrn:
    """Record that the thread's NRN mark was also made in Seller Central (covers every open
    reminder of that thread). 404 for outsiders, 403 for members who may not reply."""
    reminder = scoping.get_for_user(
        SellerCentralNrn.objects.select_for_update(),
        user,
        scoping.Action.REPLY,
        marketplace_field="marketplace_id",
        pk=reminder_id,
    )
    now = timezone.now()
    SellerCentralNrn.objects.filter(
        thread_id=reminder.thread_id, done_in_seller_central_at__isnull=True
    ).update(done_in_seller_central_at=now, done_by=user)
    audit.record(
        user,
        "thread.no_response_needed_copied_to_seller_central",
        seller_account=reminder.seller_account_id,
        target=reminder.thread,
    )
    reminder.refresh_from_db()
    return reminder


def preference_for(membership: Membership) -> AlertPreference:
    """The member's saved choice, or the default (both emails on) when none is saved."""
    try:
        return membership.alert_preference
    except AlertPreference.DoesNotExist:
        return AlertPreference(membership=membership)


def may_get_at_risk_email(membership: Membership) -> bool:
    return scoping.ROLE_ACTIONS[membership.role] >= {scoping.Action.REPLY}


def may_get_daily_summary(membership: Membership) -> bool:
    return scoping.ROLE_ACTIONS[membership.role] >= {scoping.Action.OWN}


@transaction.atomic
def set_alert_preferences(
    user: User, seller_account_id: int, *, at_risk_email: bool, daily_summary_email: bool
) -> AlertPreference:
    """Save the user's own choice for one account. A member who can receive neither email (a
    read-only member) gets 403; someone outside the account gets 404."""
    grant = scoping.require(user, seller_account_id, scoping.Action.VIEW)
    if not grant.allows(scoping.Action.REPLY):
        raise PermissionDenied
    membership = Membership.objects.get(user=user, seller_account_id=seller_account_id)
    preference = preference_for(membership)
    preference.at_risk_email = at_risk_email
    if may_get_daily_summary(membership):
        preference.daily_summary_email = daily_summary_email
    preference.save()
    audit.record(
        user,
        "metrics.alert_preferences_changed",
        seller_account=seller_account_id,
        target=membership,
        data={
            "at_risk_email": preference.at_risk_email,
            "daily_summary_email": preference.daily_summary_email,
        },
    )
    return preference
