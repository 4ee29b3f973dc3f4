"""Team pages: members, invitations, roles and access, deactivation, the 2FA policy.

Every page and action is for admins and owners (Action.MANAGE) of the seller account in the
URL; each object is loaded through accounts.scoping, so another seller's member gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit, scoping, selectors, services
from accounts.models import Invitation, Membership, Role, SellerAccount
from accounts.security import has_second_factor

from .forms import AccessForm, InviteForm, TwoFactorPolicyForm
from .services import deactivate_member

TEMPLATE = "team/members.html"


def _account(request: HttpRequest, account_id: int, action: str) -> tuple[SellerAccount, str]:
    grant = scoping.require(request.user, account_id, action)
    account = (
        scoping.seller_accounts(request.user, action)
        .prefetch_related("marketplaces")
        .get(pk=account_id)
    )
    return account, grant.role


def _membership(request: HttpRequest, account_id: int, membership_id: int) -> Membership:
    return scoping.get_for_user(
        Membership.objects.select_related("user", "seller_account"),
        request.user,
        scoping.Action.MANAGE,
        pk=membership_id,
        seller_account_id=account_id,
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The teams this person manages, and their own sign-in security."""
    managed = scoping.seller_accounts(request.user, scoping.Action.MANAGE)
    owned = set(scoping.account_ids(request.user, scoping.Action.OWN))
    return render(
        request,
        "team/index.html",
        {
            "rows": [(account, account.pk in owned) for account in managed],
            "has_second_factor": has_second_factor(request.user),
        },
    )


def _members_page(
    request: HttpRequest,
    account: SellerAccount,
    role: str,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_owner = role == Role.OWNER
    context = {
        "account": account,
        "is_owner": is_owner,
        "members": selectors.team_members(request.user, account.pk),
        "invitations": selectors.open_invitations(request.user, account.pk),
        "changes": [
            (event, audit.action_label(event.action))
            for event in selectors.recent_team_changes(request.user, account.pk)
        ],
        "invite_form": invite_form or InviteForm(account=account, actor_role=role),
        "policy_form": TwoFactorPolicyForm(initial={"required": account.require_two_factor}),
    }
    template = f"{TEMPLATE}#members" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


@login_required
@require_GET
def members(request: HttpRequest, account_id: int) -> HttpResponse:
    account, role = _account(request, account_id, scoping.Action.MANAGE)
    return _members_page(request, account, role)


@login_required
@require_POST
def invite(request: HttpRequest, account_id: int) -> HttpResponse:
    account, role = _account(request, account_id, scoping.Action.MANAGE)
    form = InviteForm(request.POST, account=account, actor_role=role)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.invite(
                request.user,
                account,
                email=data["email"],
                role=data["role"],
                marketplace_ids=data["marketplaces"],
                assigned_only=data["assigned_only"],
            )
        except services.TeamRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("team:members", account_id=account.pk)
    return _members_page(request, account, role, invite_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, account_id: int, membership_id: int) -> HttpResponse:
    """Change a member's role, marketplaces and "only assigned threads"."""
    membership = _membership(request, account_id, membership_id)
    account, role = _account(request, account_id, scoping.Action.MANAGE)
    initial = {
        "role": membership.role,
        "marketplaces": [m.pk for m in membership.marketplaces.all()],
        "assigned_only": membership.assigned_only,
    }
    form = AccessForm(request.POST or None, initial=initial, account=account, actor_role=role)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.change_membership(
                    request.user,
                    membership,
                    role=form.cleaned_data["role"],
                    marketplace_ids=form.cleaned_data["marketplaces"],
                    assigned_only=form.cleaned_data["assigned_only"],
                )
            except services.TeamRuleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Access of %(member)s saved.") % {"member": membership.user}
                )
                return redirect("team:members", account_id=account_id)
    return render(
        request,
        "team/member.html",
        {"account": account, "membership": membership, "form": form},
        status=status,
    )


def _after_change(request: HttpRequest, account_id: int) -> HttpResponse:
    if request.htmx:
        account, role = _account(request, account_id, scoping.Action.MANAGE)
        return _members_page(request, account, role)
    return redirect("team:members", account_id=account_id)


@login_required
@require_POST
def deactivate(request: HttpRequest, account_id: int, membership_id: int) -> HttpResponse:
    membership = _membership(request, account_id, membership_id)
    try:
        membership, returned = deactivate_member(request.user, membership)
    except services.TeamRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(member)s is deactivated and signed out; %(count)s threads went back to the queue.")
            % {"member": membership.user, "count": returned},
        )
    return _after_change(request, account_id)


@login_required
@require_POST
def reactivate(request: HttpRequest, account_id: int, membership_id: int) -> HttpResponse:
    membership = _membership(request, account_id, membership_id)
    try:
        services.reactivate_membership(request.user, membership)
    except services.TeamRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(member)s is active again.") % {"member": membership.user})
    return _after_change(request, account_id)


def _invitation(request: HttpRequest, account_id: int, invitation_id: int) -> Invitation:
    return scoping.get_for_user(
        Invitation.objects.all(),
        request.user,
        scoping.Action.MANAGE,
        pk=invitation_id,
        seller_account_id=account_id,
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, account_id: int, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, account_id, invitation_id)
    try:
        services.resend_invitation(request.user, invitation)
    except services.TeamRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new link went to %(email)s.") % {"email": invitation.email})
    return _after_change(request, account_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, account_id: int, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, account_id, invitation_id)
    try:
        services.revoke_invitation(request.user, invitation)
    except services.TeamRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return _after_change(request, account_id)


@login_required
@require_POST
def two_factor_policy(request: HttpRequest, account_id: int) -> HttpResponse:
    """Owners only: make two-factor authentication mandatory for the whole team."""
    account, _role = _account(request, account_id, scoping.Action.OWN)
    form = TwoFactorPolicyForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("required"))
    services.set_two_factor_required(request.user, account, required)
    if required:
        messages.success(
            request,
            _("Two-factor authentication is now required; members without it set it up next."),
        )
    else:
        messages.success(request, _("Two-factor authentication is now optional."))
    return redirect("team:members", account_id=account_id)
