"""What the inbox pages share: reading the filters and building the conversation's context."""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts import scoping
from compliance import services as compliance

from .. import presence, reply_check, selectors
from ..forms import InboxFilterForm, NoResponseNeededForm, ReplyForm
from ..metrics import links
from ..models import Tag, Thread
from ..placeholders import PLACEHOLDERS

TEMPLATE = "messaging/inbox.html"
CONVERSATION_TEMPLATE = "messaging/_conversation.html"
# Partials of the conversation live in its own template; the rest in the inbox page's.
CONVERSATION_PARTIALS = frozenset(
    {"presence", "composer", "composer-body", "template-picker", "draft-status"}
    | {"compliance-findings"}
)


def read_filters(data) -> selectors.InboxFilter:
    return InboxFilterForm(data).filters()


def filters_query(filters: selectors.InboxFilter, **changes: object) -> str:
    """The filters as a query string (defaults and the page cursor left out unless given)."""
    values: dict[str, object] = {
        "view": filters.view,
        "account": filters.account,
        "marketplace": filters.marketplace,
        "tag": filters.tag,
        "assignee": filters.assignee,
        "language": filters.language,
        "q": filters.q,
    }
    values.update(changes)
    if values["view"] == selectors.View.NEEDS_REPLY and not values["q"]:
        values.pop("view")
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def thread_url(thread_id: int, query: str = "") -> str:
    url = links.thread_url(thread_id)
    return f"{url}?{query}" if query else url


def conversation_context(
    request: HttpRequest,
    thread: Thread,
    *,
    form: ReplyForm | None = None,
    findings: list[reply_check.Finding] | None = None,
    error: str = "",
    confirmation: str = "",
) -> dict:
    user = request.user
    conversation, has_older = selectors.conversation(thread)
    can_reply = scoping.can(user, thread.seller_account_id, scoping.Action.REPLY)
    if form is None:
        form = ReplyForm(initial={"text": selectors.draft_for(thread, user)})
    # The text as the server checked it (stripped when the form was posted); not through the
    # bound field, whose initial value is cached (the no-JS template picker changes it later).
    cleaned = getattr(form, "cleaned_data", {})
    raw = form.data.get("text") if form.is_bound else form.initial.get("text")
    text = (cleaned.get("text") or raw or "") if can_reply else ""
    if findings is None and text.strip():
        # A saved draft is shown with its findings, so the send button starts right.
        findings = reply_check.check_reply(thread, text, [])
    return {
        "thread": thread,
        "conversation": conversation,
        "has_older": has_older,
        "order": selectors.order_for_panel(thread),
        "can_reply": can_reply,
        "reply_form": form,
        "nrn_form": NoResponseNeededForm(),
        "findings": findings or [],
        "panel": compliance.panel(text, findings or [], confirmation=confirmation),
        "action_error": error,
        "others": presence.others(thread.pk, user.pk),
        "thread_tags": list(thread.tags.order_by("name")),
        "assignable": selectors.assignable_members(thread) if can_reply else [],
        "placeholders": PLACEHOLDERS,
        "templates": selectors.reply_templates(user, thread) if can_reply else [],
        "account_tags": (
            list(Tag.objects.filter(seller_account_id=thread.seller_account_id).order_by("name"))
            if can_reply
            else []
        ),
        "now": timezone.now(),
    }


def render_partial(request: HttpRequest, name: str, context: dict, **kwargs) -> HttpResponse:
    template = CONVERSATION_TEMPLATE if name in CONVERSATION_PARTIALS else TEMPLATE
    # A partial is rendered without the page's {% timezone %} block around it: times in it
    # must still be the agent's.
    with timezone.override(_user_zone(request)):
        response = render(request, f"{template}#{name}", context, **kwargs)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def after_thread_action(
    request: HttpRequest, thread: Thread, *, error: str = "", status: int = 200
) -> HttpResponse:
    """Answer an action on one thread: the refreshed conversation for htmx (and a signal that
    the list should refresh), or a redirect back to the thread for a plain form post."""
    query = request.POST.get("filters", "")
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(thread_url(thread.pk, safe_query(query)))
    thread = selectors.thread_for_user(request.user, thread.pk)
    context = conversation_context(request, thread, error=error)
    context["filters_qs"] = safe_query(query)
    response = render_partial(request, "conversation", context, status=status)
    response["HX-Trigger"] = "inbox:changed"
    return response


def safe_query(query: str) -> str:
    """Forms carry the list's filters back as a query string; re-read them so nothing but
    valid filters (never a URL) reaches a redirect."""
    return filters_query(read_filters(QueryDict(query[:1000])))


def _user_zone(request: HttpRequest) -> ZoneInfo | None:
    try:
        return ZoneInfo(getattr(request.user, "time_zone", "") or "UTC")
    except (ValueError, ZoneInfoNotFoundError):
        return None
