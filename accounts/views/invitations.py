"""Accepting an invitation: the link from the email; a first visit chooses a password."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .. import security, services
from ..forms import SetPasswordForm
from ..models import Invitation

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except Invitation.DoesNotExist:
        raise Http404 from None
    except services.InvitationExpired as expired:
        return render(
            request,
            "accounts/invitation_expired.html",
            {"invitation": expired.invitation},
            status=410,
        )
    context = {"invitation": invitation, "account": invitation.seller_account}
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and (existing is None or signed_in.pk != existing.pk):
        return render(request, "accounts/invitation_other_user.html", context, status=403)
    if existing is not None:
        return _join_with_existing_login(request, invitation, signed_in, context)
    form = SetPasswordForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.accept_invitation(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except services.TeamRuleError as error:
            messages.error(request, str(error))
            return redirect("login")
        login(request, membership.user, backend=MODEL_BACKEND)
        security.record_sign_in(request, membership.user, "invitation")
        messages.success(
            request,
            _("Welcome to the %(account)s team.") % {"account": invitation.seller_account.name},
        )
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {**context, "form": form})


def _join_with_existing_login(
    request: HttpRequest, invitation: Invitation, signed_in: object, context: dict
) -> HttpResponse:
    """Someone who already has a login (another seller's team) joins with a button."""
    if signed_in is None:
        return render(request, "accounts/invitation_sign_in.html", context)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, user=signed_in)
        except services.TeamRuleError as error:
            messages.error(request, str(error))
            return redirect("home")
        messages.success(
            request,
            _("You joined the %(account)s team.") % {"account": invitation.seller_account.name},
        )
        return redirect("home")
    return render(request, "accounts/invitation_join.html", context)
