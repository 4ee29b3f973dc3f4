"""Managing reply templates: per seller account and language, with placeholders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import scoping
from compliance import services as compliance

from .. import reply_check, selectors, services
from ..forms import ReplyTemplateForm
from ..models import ReplyTemplate
from ..placeholders import PLACEHOLDERS, fill


def _form_context(
    form: ReplyTemplateForm, template: ReplyTemplate | None, findings: list | None = None
) -> dict:
    """The form and, when the text was checked, its compliance findings (blocking ones refused
    the save; warnings are shown with a saved template)."""
    body = form["body"].value() or ""
    panel = compliance.panel(body, findings or []) if findings else None
    return {"form": form, "template": template, "placeholders": PLACEHOLDERS, "panel": panel}


def _save(request: HttpRequest, form: ReplyTemplateForm, template: ReplyTemplate):
    """Save through the service; the findings that refused it, or None when it was saved."""
    try:
        services.save_reply_template(template, request.user, **_fields(form))
    except services.TemplateRefused as refused:
        reply_check.record_template(
            template.seller_account_id, request.user.pk, template.pk, refused.findings,
            refused=True,
        )  # fmt: skip
        return refused.findings
    return None


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
    refused = None
    if request.method == "POST" and form.is_valid():
        scoping.require(request.user, form.cleaned_data["seller_account"].pk, scoping.Action.MANAGE)
        refused = _save(request, form, form.instance)
        if refused is None:
            return _saved(request, form.instance)
    templates = list(selectors.manageable_templates(request.user))
    return render(
        request,
        "messaging/reply_templates.html",
        {"templates": templates, **_form_context(form, None, refused)},
        status=200 if request.method == "GET" else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_for_user(request.user, pk, scoping.Action.MANAGE)
    accounts = scoping.seller_accounts(request.user, scoping.Action.MANAGE)
    form = ReplyTemplateForm(request.POST or None, accounts=accounts, instance=template)
    findings = None
    if request.method == "POST" and form.is_valid():
        findings = _save(request, form, template)
        if findings is None:
            return _saved(request, template)
    elif request.method == "GET":
        # What the checker says about the saved text (its warnings, after a save).
        findings = reply_check.check_template(template.body, template.language)
    unknown = fill(template.body, {}).unknown
    return render(
        request,
        "messaging/reply_template_edit.html",
        {**_form_context(form, template, findings), "unknown": unknown},
        status=200 if request.method == "GET" else 400,
    )


def _saved(request: HttpRequest, template: ReplyTemplate) -> HttpResponse:
    """After a save: the list, or the template's page when the checker has warnings to show."""
    if reply_check.warnings(reply_check.check_template(template.body, template.language)):
        messages.warning(request, _("Template saved, with warnings from Amazon's rules below."))
        return redirect("messaging:reply_template", pk=template.pk)
    messages.success(request, _("Template saved."))
    return redirect("messaging:reply_templates")


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
