"""The composer: sending a reply, the autosaved draft, presence (collision warning), reply
templates and what to do with a reply that failed or needs checking."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget

from accounts import scoping
from compliance import services as compliance
from compliance.models import Source

from .. import presence, reply_check, selectors, services
from ..forms import ComplianceCheckForm, DraftForm, ReplyForm
from ..placeholders import fill
from .common import (
    TEMPLATE,
    after_thread_action,
    conversation_context,
    read_filters,
    render_partial,
    safe_query,
)
from .inbox import list_context


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the reply (the server's compliance check runs first) or show why not."""
    thread = selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)
    form = ReplyForm(request.POST, request.FILES)
    error, findings = "", None
    if form.is_valid():
        try:
            services.queue_reply(
                thread,
                request.user,
                form.cleaned_data["text"],
                form.cleaned_data["attachments"],
                confirmation=form.cleaned_data["confirm_warnings"],
            )
        except services.ReplyRefused as refused:
            error, findings = refused.reason, refused.findings
            if findings:
                reply_check.record_refused_reply(thread, request.user.pk, findings)
        else:
            presence.touch(thread.pk, request.user.pk, request.user.get_full_name())
            response = after_thread_action(request, thread)
            return retarget(response, "#conversation") if request.htmx else response
    context = conversation_context(
        request,
        thread,
        form=form,
        findings=findings,
        confirmation=request.POST.get("confirm_warnings", "")[:64],
    )
    context["composer_error"] = error
    context["filters_qs"] = safe_query(request.POST.get("filters", ""))
    if request.htmx:
        return render_partial(request, "composer", context)
    context.update(list_context(request, read_filters(QueryDict(context["filters_qs"]))))
    context["selected_id"] = thread.pk
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def check_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer's live compliance check: the findings panel for the text typed so far.

    What it stops is remembered for the team's report (once per agent, thread, rule and day);
    sending is checked again by the server whatever this said."""
    thread = selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)
    form = ComplianceCheckForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    attachments = [reply_check.DraftAttachment(*meta) for meta in form.attachments()]
    findings = reply_check.check_reply(thread, text, attachments) if text.strip() else []
    if reply_check.blocking(findings):
        reply_check.record_composer_blocked(
            thread.seller_account_id, request.user.pk, Source.REPLY, thread.pk, findings
        )
    panel = compliance.panel(
        text, findings, confirmation=form.cleaned_data.get("confirm_warnings", "")
    )
    return render_partial(request, "compliance-findings", {"thread": thread, "panel": panel})


@login_required
@require_POST
def save_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave of the composer; also tells the others on this thread that we are replying."""
    thread = selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)
    form = DraftForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    services.save_draft(thread, request.user, text)
    state = presence.REPLYING if text.strip() else presence.VIEWING
    presence.touch(thread.pk, request.user.pk, request.user.get_full_name(), state)
    return render_partial(
        request, "draft-status", {"draft_saved_at": timezone.now(), "draft_empty": not text.strip()}
    )


@login_required
@require_GET
def ping_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the open conversation: keeps us visible and shows who else is here. A GET:
    it writes no seller data, only refreshes a short-lived presence key."""
    thread = selectors.thread_for_user(request.user, pk)
    presence.touch(thread.pk, request.user.pk, request.user.get_full_name())
    return render_partial(
        request,
        "presence",
        {"thread": thread, "others": presence.others(thread.pk, request.user.pk)},
    )


@login_required
@require_GET
def template_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The searchable list of the account's reply templates, the thread's language first."""
    thread = selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)
    query = request.GET.get("q", "")[:100]
    templates = selectors.reply_templates(request.user, thread, query)
    return render_partial(
        request,
        "template-picker",
        {"thread": thread, "templates": templates, "template_query": query},
    )


@login_required
@require_POST
def insert_template(request: HttpRequest, pk: int, template_id: int) -> HttpResponse:
    """The composer's text with the filled template added, or why the template cannot be used."""
    thread = selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)
    template = selectors.template_for_user(request.user, template_id)
    current = request.POST.get("text", "")[:20000]
    context = {"thread": thread}
    if template.seller_account_id != thread.seller_account_id:
        context["template_error_text"] = True
        filled = None
    else:
        filled = fill(template.body, selectors.placeholder_values(thread, request.user))
    if filled is None or filled.missing or filled.unknown:
        context["template_error"] = filled
        text = current
    else:
        text = f"{current.rstrip()}\n\n{filled.text}" if current.strip() else filled.text
        services.save_draft(thread, request.user, text)
    context["reply_form"] = ReplyForm(initial={"text": text})
    return render_partial(request, "composer-body", context)


@login_required
@require_POST
def retry_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A person decides to send a failed reply (or one that needs checking) again."""
    message = selectors.message_for_user(request.user, pk, scoping.Action.REPLY)
    try:
        services.retry_reply(message, request.user)
    except services.InvalidTransition as refused:
        return after_thread_action(request, message.thread, error=str(refused))
    return after_thread_action(request, message.thread)


@login_required
@require_POST
def confirm_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """A person found a reply that needs checking in the mailbox's Sent folder."""
    message = selectors.message_for_user(request.user, pk, scoping.Action.REPLY)
    try:
        services.confirm_reply_delivered(message, request.user)
    except services.InvalidTransition as refused:
        return after_thread_action(request, message.thread, error=str(refused))
    return after_thread_action(request, message.thread)
