"""Managing reply templates: per seller account and language, with placeholders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import scoping

from .. import selectors, services
from ..forms import ReplyTemplateForm
from ..models import ReplyTemplate
from ..placeholders import PLACEHOLDERS, fill


def _form_context(form: ReplyTemplateForm, template: ReplyTemplate | None) -> dict:
    return {"form": form, "template": template, "placeholders": PLACEHOLDERS}


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    """The templates of every account the user manages, and a form for a new one."""
    accounts = scoping.seller_accounts(request.user, scoping.Action.MANAGE)
    if not accounts.exists():
        if scoping.account_ids(request.user):
            raise PermissionDenied
        return render(request, "messaging/reply_templates.html", {"templates": []}, status=404)
    form = ReplyTemplateForm(request.POST or None, accounts=accounts, instance=ReplyTemplate())
    if request.method == "POST" and form.is_valid():
        scoping.require(request.user, form.cleaned_data["seller_account"].pk, scoping.Action.MANAGE)
        services.save_reply_template(form.instance, request.user, **_fields(form))
        messages.success(request, _("Template saved."))
        return redirect("messaging:reply_templates")
    templates = list(selectors.manageable_templates(request.user))
    return render(
        request,
        "messaging/reply_templates.html",
        {"templates": templates, **_form_context(form, None)},
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_for_user(request.user, pk, scoping.Action.MANAGE)
    accounts = scoping.seller_accounts(request.user, scoping.Action.MANAGE)
    form = ReplyTemplateForm(request.POST or None, accounts=accounts, instance=template)
    if request.method == "POST" and form.is_valid():
        services.save_reply_template(template, request.user, **_fields(form))
        messages.success(request, _("Template saved."))
        return redirect("messaging:reply_templates")
    unknown = fill(template.body, {}).unknown
    return render(
        request,
        "messaging/reply_template_edit.html",
        {**_form_context(form, template), "unknown": unknown},
        status=200 if request.method == "GET" else 400,
    )


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_for_user(request.user, pk, scoping.Action.MANAGE)
    services.delete_reply_template(template, request.user)
    messages.success(request, _("Template deleted."))
    return redirect("messaging:reply_templates")


def _fields(form: ReplyTemplateForm) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "language": data["language"], "body": data["body"]}
