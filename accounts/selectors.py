"""Queries for the team and audit pages, built on accounts.scoping."""

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from . import scoping
from .devices import AuthenticatorDevice
from .models import AuditEvent, Invitation, Membership, User


def team_members(user: User, account_id: int) -> QuerySet[Membership]:
    """The account's members (active first), each with whether they use a second factor."""
    return (
        scoping.scope(Membership.objects.all(), user, scoping.Action.MANAGE)
        .filter(seller_account_id=account_id)
        .select_related("user")
        .prefetch_related("marketplaces")
        .annotate(
            has_second_factor=Exists(
                AuthenticatorDevice.objects.filter(user=OuterRef("user"), confirmed=True)
            )
        )
        .order_by("-is_active", "user__name", "user__email")
    )


def open_invitations(user: User, account_id: int) -> QuerySet[Invitation]:
    return (
        scoping.scope(Invitation.objects.all(), user, scoping.Action.MANAGE)
        .filter(seller_account_id=account_id, accepted_at=None, revoked_at=None)
        .select_related("invited_by")
        .prefetch_related("marketplaces")
        .order_by("-sent_at")
    )


def audit_people(user: User, account_id: int) -> QuerySet[User]:
    """Everyone who was ever on the account's team (to filter the audit log by person)."""
    members = scoping.scope(Membership.objects.all(), user, scoping.Action.OWN).filter(
        seller_account_id=account_id
    )
    return User.objects.filter(pk__in=members.values("user_id")).order_by("name", "email")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(
    user: User,
    account_id: int,
    *,
    actor_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """The account's audit trail, newest first, for its owners. `until` is inclusive."""
    events = scoping.scope(AuditEvent.objects.all(), user, scoping.Action.OWN).filter(
        seller_account_id=account_id
    )
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until) + timedelta(days=1))
    return events.select_related("actor").order_by("-at", "-pk")


def recent_team_changes(user: User, account_id: int, limit: int = 15) -> list[AuditEvent]:
    """The latest changes to the team (invitations, roles, access), for admins' team page."""
    events = scoping.scope(AuditEvent.objects.all(), user, scoping.Action.MANAGE).filter(
        seller_account_id=account_id, action__startswith="member."
    )
    return list(events.select_related("actor").order_by("-at", "-pk")[:limit])
