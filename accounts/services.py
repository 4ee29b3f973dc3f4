"""Things people do to accounts and memberships. Each function is atomic and audited.

Who may change whom (on top of the MANAGE right that `scoping` checks):
- only an owner grants the owner role, or changes or deactivates an owner;
- nobody changes their own role or access, or deactivates themselves, so a team always keeps an
  owner who can undo anything; the last active owner can never be demoted or deactivated.
Breaking one of these raises `TeamRuleError` with a sentence to show the person.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, scoping
from .models import (
    Invitation,
    Marketplace,
    Membership,
    Region,
    Role,
    SellerAccount,
    User,
    UserSession,
)

INVITATION_SALT = "accounts.invitation"


class TeamRuleError(Exception):
    """A change the rules above forbid; str() is a translated sentence for the person."""


@transaction.atomic
def create_seller_account(
    *, name: str, region: str, marketplace_ids: list[str], owner: User, time_zone: str = "UTC"
) -> SellerAccount:
    """A new seller account in `region` with `owner` as its first member."""
    if region not in Region.values:
        raise ValueError(f"Unknown region {region!r}.")
    marketplaces = list(Marketplace.objects.filter(id__in=marketplace_ids))
    wrong = [m.id for m in marketplaces if m.region != region]
    if wrong or len(marketplaces) != len(set(marketplace_ids)):
        raise ValueError(f"Marketplaces {marketplace_ids} are not all known {region} marketplaces.")
    account = SellerAccount.objects.create(name=name, region=region, time_zone=time_zone)
    account.marketplaces.set(marketplaces)
    Membership.objects.create(user=owner, seller_account=account, role="owner")
    scoping.forget(owner)
    return account


def end_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """Sign `user` out everywhere (except the session `keep_session_key`); returns how many."""
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    deleted, _ = sessions.delete()
    return deleted


# --- Invitations -------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The signed, timestamped token of the invitation's link (expires with the invitation)."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("accounts:accept_invitation", args=[invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


class InvitationExpired(Exception):
    """The link was genuine but is too old (or was replaced by a newer one)."""

    def __init__(self, invitation: Invitation | None) -> None:
        super().__init__("This invitation has expired.")
        self.invitation = invitation


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link's token names.

    Raises Invitation.DoesNotExist for a forged or used link, InvitationExpired for one past
    its age (or superseded by a resent link).
    """
    max_age = timedelta(hours=settings.INVITATION_MAX_AGE_HOURS)
    try:
        pk, nonce = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        pk, nonce = signing.loads(token, salt=INVITATION_SALT)
        invitation = Invitation.objects.filter(pk=pk, nonce=nonce).first()
        raise InvitationExpired(invitation) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise Invitation.DoesNotExist from None
    invitation = Invitation.objects.select_related("seller_account", "invited_by").get(pk=pk)
    if not invitation.is_open:
        raise Invitation.DoesNotExist
    if invitation.nonce != nonce or invitation.is_expired:
        raise InvitationExpired(invitation)
    return invitation


def _check_may_grant(actor_grant: scoping.Grant, role: str) -> None:
    if role not in Role.values:
        raise TeamRuleError(_("Unknown role."))
    if role == Role.OWNER and actor_grant.role != Role.OWNER:
        raise TeamRuleError(_("Only an owner can make someone an owner."))


def _account_marketplaces(account: SellerAccount, marketplace_ids: list[str]) -> list[Marketplace]:
    marketplaces = list(account.marketplaces.filter(id__in=marketplace_ids))
    if len(marketplaces) != len(set(marketplace_ids)):
        raise TeamRuleError(_("Choose only marketplaces of this seller account."))
    return marketplaces


def _send_invitation(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "account": invitation.seller_account,
        "inviter": invitation.invited_by,
        "hours": settings.INVITATION_MAX_AGE_HOURS,
    }
    subject = _("You are invited to the %(account)s helpdesk") % {
        "account": invitation.seller_account.name
    }
    body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    )


@transaction.atomic
def invite(
    actor: User,
    account: SellerAccount,
    *,
    email: str,
    role: str,
    marketplace_ids: list[str] | None = None,
    assigned_only: bool = False,
) -> Invitation:
    """Invite `email` to the account's team and email them the link (after commit).

    An open invitation to the same address is replaced, so only the newest link works.
    """
    grant = scoping.require(actor, account.pk, scoping.Action.MANAGE)
    _check_may_grant(grant, role)
    email = email.strip().lower()
    if Membership.objects.filter(seller_account=account, user__email__iexact=email).exists():
        raise TeamRuleError(_("%(email)s is already on this team.") % {"email": email})
    marketplaces = _account_marketplaces(account, marketplace_ids or [])
    now = timezone.now()
    Invitation.objects.filter(
        seller_account=account, email__iexact=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        seller_account=account,
        email=email,
        role=role,
        assigned_only=assigned_only,
        invited_by=actor,
        nonce=secrets.token_hex(16),
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(hours=settings.INVITATION_MAX_AGE_HOURS),
    )
    invitation.marketplaces.set(marketplaces)
    audit.record(
        actor,
        "member.invited",
        seller_account=account,
        target=invitation,
        data={
            "email": email,
            "role": role,
            "marketplaces": sorted(m.country_code for m in marketplaces),
        },
    )
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def resend_invitation(actor: User, invitation: Invitation) -> Invitation:
    """Send a fresh link with a new expiry; the earlier link stops working."""
    scoping.require(actor, invitation.seller_account_id, scoping.Action.MANAGE)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise TeamRuleError(_("This invitation was already used or withdrawn."))
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(hours=settings.INVITATION_MAX_AGE_HOURS)
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    audit.record(
        actor,
        "member.invitation_resent",
        seller_account=invitation.seller_account_id,
        target=invitation,
        data={"email": invitation.email},
    )
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def revoke_invitation(actor: User, invitation: Invitation) -> Invitation:
    scoping.require(actor, invitation.seller_account_id, scoping.Action.MANAGE)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise TeamRuleError(_("This invitation was already used or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "member.invitation_withdrawn",
        seller_account=invitation.seller_account_id,
        target=invitation,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def accept_invitation(
    invitation: Invitation, *, user: User | None = None, name: str = "", password: str = ""
) -> Membership:
    """Turn the invitation into a membership.

    With `user` (someone already signed in as the invited address) the membership is added to
    their login; without, a new login is created for the invited address with `password`.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open or invitation.is_expired:
        raise TeamRuleError(_("This invitation can no longer be used."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise TeamRuleError(_("Sign in first: this address already has a login."))
        user = User.objects.create_user(invitation.email, password, name=name.strip())
    elif user.email.lower() != invitation.email.lower():
        raise TeamRuleError(_("This invitation is for another email address."))
    membership, _created = Membership.objects.update_or_create(
        user=user,
        seller_account_id=invitation.seller_account_id,
        defaults={
            "role": invitation.role,
            "assigned_only": invitation.assigned_only,
            "is_active": True,
        },
    )
    membership.marketplaces.set(invitation.marketplaces.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        user,
        "member.joined",
        seller_account=invitation.seller_account_id,
        target=membership,
        data={"email": user.email, "role": invitation.role, "invitation": invitation.pk},
    )
    scoping.forget(user)
    return membership


# --- Memberships -------------------------------------------------------------------------------


def _lock_membership(actor: User, membership: Membership) -> tuple[scoping.Grant, Membership]:
    grant = scoping.require(actor, membership.seller_account_id, scoping.Action.MANAGE)
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if locked.user_id == actor.pk:
        raise TeamRuleError(_("You cannot change your own access; ask another owner."))
    if locked.role == Role.OWNER and grant.role != Role.OWNER:
        raise TeamRuleError(_("Only an owner can change another owner."))
    return grant, locked


def _is_last_owner(membership: Membership) -> bool:
    if membership.role != Role.OWNER or not membership.is_active:
        return False
    return not (
        Membership.objects.filter(
            seller_account_id=membership.seller_account_id, role=Role.OWNER, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def change_membership(
    actor: User,
    membership: Membership,
    *,
    role: str,
    marketplace_ids: list[str],
    assigned_only: bool,
) -> Membership:
    """Set a member's role, marketplaces (empty: all) and "only assigned threads"."""
    grant, membership = _lock_membership(actor, membership)
    _check_may_grant(grant, role)
    if role != Role.OWNER and _is_last_owner(membership):
        raise TeamRuleError(_("A seller account needs at least one owner."))
    marketplaces = _account_marketplaces(membership.seller_account, marketplace_ids)
    before_markets = sorted(membership.marketplaces.values_list("country_code", flat=True))
    after_markets = sorted(m.country_code for m in marketplaces)
    who = membership.user.email
    if membership.role != role:
        audit.record(
            actor,
            "member.role_changed",
            seller_account=membership.seller_account_id,
            target=membership,
            data={"member": who, "from": membership.role, "to": role},
        )
        membership.role = role
    if before_markets != after_markets or membership.assigned_only != assigned_only:
        audit.record(
            actor,
            "member.access_changed",
            seller_account=membership.seller_account_id,
            target=membership,
            data={
                "member": who,
                "marketplaces": {"from": before_markets, "to": after_markets},
                "assigned_only": {"from": membership.assigned_only, "to": assigned_only},
            },
        )
        membership.assigned_only = assigned_only
        membership.marketplaces.set(marketplaces)
    membership.save(update_fields=["role", "assigned_only"])
    scoping.forget(membership.user)
    return membership


@transaction.atomic
def deactivate_membership(actor: User, membership: Membership) -> Membership:
    """Take the member off the team and sign them out everywhere, at once.

    Their threads are not touched here (threads live above accounts): callers that can see
    threads return them to the queue in the same transaction (see team.services).
    """
    _grant, membership = _lock_membership(actor, membership)
    if not membership.is_active:
        raise TeamRuleError(_("%(member)s is already deactivated.") % {"member": membership.user})
    if _is_last_owner(membership):
        raise TeamRuleError(_("A seller account needs at least one owner."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    ended = end_sessions(membership.user)
    audit.record(
        actor,
        "member.deactivated",
        seller_account=membership.seller_account_id,
        target=membership,
        data={"member": membership.user.email, "sessions_ended": ended},
    )
    scoping.forget(membership.user)
    return membership


@transaction.atomic
def reactivate_membership(actor: User, membership: Membership) -> Membership:
    _grant, membership = _lock_membership(actor, membership)
    if membership.is_active:
        raise TeamRuleError(_("%(member)s is already active.") % {"member": membership.user})
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    audit.record(
        actor,
        "member.reactivated",
        seller_account=membership.seller_account_id,
        target=membership,
        data={"member": membership.user.email},
    )
    scoping.forget(membership.user)
    return membership


@transaction.atomic
def set_two_factor_required(actor: User, account: SellerAccount, required: bool) -> SellerAccount:
    """Owners only: make a second factor mandatory (or optional) for everyone on the team.

    Members without one are sent to set it up at their next request (accounts.middleware).
    """
    scoping.require(actor, account.pk, scoping.Action.OWN)
    account = SellerAccount.objects.select_for_update().get(pk=account.pk)
    if account.require_two_factor != required:
        account.require_two_factor = required
        account.save(update_fields=["require_two_factor"])
        audit.record(
            actor,
            "account.two_factor_required" if required else "account.two_factor_optional",
            seller_account=account,
            target=account,
        )
    return account
