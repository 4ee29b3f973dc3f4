"""The split inbox: the thread list, one thread beside it, live updates and bulk actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import scoping
from accounts.models import User

from .. import presence, selectors, services
from ..forms import VIEW_LABELS, BulkForm, InboxFilterForm
from ..placeholders import fill
from .common import (
    TEMPLATE,
    conversation_context,
    filters_query,
    read_filters,
    render_partial,
    safe_query,
)


def list_context(request: HttpRequest, filters: selectors.InboxFilter) -> dict:
    user = request.user
    return {
        "page": selectors.inbox_page(user, filters),
        "filters": filters,
        "filter_form": InboxFilterForm(initial=filters.__dict__),
        "filters_qs": filters_query(filters),
        "filters_hidden": [
            (name, value)
            for name in ("account", "marketplace", "tag", "assignee", "language")
            if (value := getattr(filters, name))
        ],
        "choices": selectors.inbox_choices(user),
        "view_labels": VIEW_LABELS,
        "needs_reply_count": selectors.needs_reply_count(user),
        "latest_message_id": selectors.latest_buyer_message_id(user),
        "bulk_form": BulkForm(),
        "can_reply_anywhere": bool(scoping.account_ids(user, scoping.Action.REPLY)),
    }


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in home page: the list, and an empty conversation pane."""
    filters = read_filters(request.GET)
    context = list_context(request, filters)
    if request.htmx and request.htmx.target in ("thread-list", "load-more"):
        return render_partial(request, request.htmx.target, context)
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One thread beside the list. htmx asks for just the conversation; a deep link, the back
    button and a browser without JavaScript get the whole page."""
    thread = selectors.thread_for_user(request.user, pk)
    services.mark_thread_read(thread, request.user)
    presence.touch(thread.pk, request.user.pk, request.user.get_full_name())
    filters = read_filters(request.GET)
    context = conversation_context(request, thread)
    context["filters_qs"] = filters_query(filters)
    template_id = request.GET.get("template", "")
    if template_id.isdigit() and context["can_reply"]:
        _prefill_from_template(request, thread, int(template_id), context)
    if request.htmx and request.htmx.target == "conversation":
        return render_partial(request, "conversation", context)
    context.update(list_context(request, filters))
    context["selected_id"] = thread.pk
    return render(request, TEMPLATE, context)


def _prefill_from_template(request: HttpRequest, thread, template_id: int, context: dict) -> None:
    """The no-JavaScript template picker: put the filled template into the composer."""
    template = selectors.template_for_user(request.user, template_id)
    if template.seller_account_id != thread.seller_account_id:
        return
    filled = fill(template.body, selectors.placeholder_values(thread, request.user))
    if filled.missing or filled.unknown:
        context["template_error"] = filled
        return
    form = context["reply_form"]
    current = form.initial.get("text", "")
    form.initial["text"] = f"{current}\n\n{filled.text}" if current.strip() else filled.text


@login_required
@require_GET
def inbox_updates(request: HttpRequest) -> HttpResponse:
    """Polled by the open inbox: the needs-reply count and buyer messages newer than `since`."""
    since = request.GET.get("since", "")
    since_id = int(since) if since.isdigit() else 0
    newest = selectors.latest_buyer_messages(request.user, since_id) if since_id else []
    latest = (
        newest[0].pk if newest else (since_id or selectors.latest_buyer_message_id(request.user))
    )
    context = {
        "needs_reply_count": selectors.needs_reply_count(request.user),
        "latest_message_id": latest,
        "new_messages": newest,
    }
    return render_partial(request, "inbox-status", context)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Mark NRN, tag, assign or close many threads at once."""
    filters_qs = safe_query(request.POST.get("filters", ""))
    form = BulkForm(request.POST)
    if not form.is_valid():
        error = _("Choose threads and an action.")
        if form.errors.get("tag") or form.errors.get("assignee"):
            error = " ".join(
                str(e) for field in ("tag", "assignee") for e in form.errors.get(field, [])
            )
        return _bulk_answer(request, filters_qs, error=error)
    data = form.cleaned_data
    user = request.user
    threads = list(
        selectors.visible_threads(user, scoping.Action.REPLY)
        .filter(pk__in=data["threads"])
        .order_by("pk")
    )
    if not threads:
        if selectors.visible_threads(user).filter(pk__in=data["threads"]).exists():
            return _bulk_answer(
                request, filters_qs, error=_("You may only read these threads."), status=403
            )
        return _bulk_answer(
            request, filters_qs, error=_("None of these threads exist."), status=404
        )
    action = data["action"]
    if action == "no_response_needed":
        result = services.bulk_mark_no_response_needed(threads, user, data["reason"])
    elif action == "close":
        result = services.bulk_close(threads, user)
    elif action == "tag":
        result = services.bulk_tag(threads, user, data["tag"])
    else:
        assignee = None
        if data["assignee"] != "unassigned":
            assignee = User.objects.filter(pk=int(data["assignee"]), is_active=True).first()
            if assignee is None:
                return _bulk_answer(request, filters_qs, error=_("No such person."))
        result = services.bulk_assign(threads, user, assignee)
    notice = ngettext("%(count)d thread changed.", "%(count)d threads changed.", result.changed) % {
        "count": result.changed
    }
    if result.skipped:
        notice += " " + _("Skipped: %(list)s") % {"list": "; ".join(result.skipped[:5])}
    return _bulk_answer(request, filters_qs, notice=notice)


def _bulk_answer(
    request: HttpRequest, filters_qs: str, *, notice: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        url = reverse("home")
        return redirect(f"{url}?{filters_qs}" if filters_qs else url)
    filters = read_filters(QueryDict(filters_qs))
    context = list_context(request, filters)
    context.update({"bulk_notice": notice, "bulk_error": error})
    response = render_partial(request, "thread-list", context, status=status)
    response["HX-Trigger"] = "inbox:bulk-done"
    return response
