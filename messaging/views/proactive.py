"""Proactive messages and "Request a review" for one order, reached from its thread or from
its order page. The page works as plain forms; htmx adds the live compliance check."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import scoping
from compliance import services as compliance
from compliance.models import Source
from orders import selectors as order_selectors
from orders.models import Order

from .. import proactive, reply_check, selectors
from ..forms import ComplianceCheckForm, ProactiveMessageForm
from ..models import Thread

TEMPLATE = "messaging/proactive.html"


def _load(request: HttpRequest, order_id: int, action: str) -> tuple[Order, Thread | None, bool]:
    """The order (404 outside its account, 403 without `action`), the thread the message goes
    to, and whether the user may open that thread."""
    order = order_selectors.order_for_user(request.user, order_id, action)
    raw = request.POST.get("thread") or request.GET.get("thread") or ""
    thread = None
    if raw.isdigit():
        thread = (
            selectors.visible_threads(request.user)
            .filter(
                pk=int(raw),
                seller_account_id=order.seller_account_id,
                amazon_order_id=order.amazon_order_id,
            )
            .first()
        )
    if thread is not None:
        return order, thread, True
    thread = proactive.thread_for_order(order)
    visible = thread is not None and (
        selectors.visible_threads(request.user).filter(pk=thread.pk).exists()
    )
    return order, thread, visible


def _page_url(order: Order, thread: Thread | None) -> str:
    url = reverse("messaging:order_messages", args=[order.pk])
    return f"{url}?thread={thread.pk}" if thread is not None else url


def _render(
    request: HttpRequest,
    sit: proactive.Situation,
    thread_visible: bool,
    *,
    form: dict | None = None,
    error: str = "",
    findings: list | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or {}
    chosen = form.get("message_type") or (sit.sendable[0].spec.name if sit.sendable else "")
    text = form.get("text", "")
    context = {
        "sit": sit,
        "order": sit.order,
        "thread": sit.thread if thread_visible else None,
        "can_send": scoping.can(request.user, sit.order.seller_account_id, scoping.Action.REPLY),
        "chosen": chosen,
        "text": text,
        "key": uuid.uuid4().hex,
        "error": error,
        "panel": compliance.panel(
            text, findings or [], confirmation=form.get("confirm_warnings", "")
        ),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def order_messages(request: HttpRequest, order_id: int) -> HttpResponse:
    """What Amazon offers for the order now: message types and the review request."""
    order, thread, visible = _load(request, order_id, scoping.Action.VIEW)
    sit = proactive.situation(order, thread, refresh=request.GET.get("refresh") == "1")
    return _render(request, sit, visible)


@login_required
@require_POST
def send(request: HttpRequest, order_id: int) -> HttpResponse:
    """Send a proactive message through Amazon, or show why it was not sent."""
    order, thread, visible = _load(request, order_id, scoping.Action.REPLY)
    form = ProactiveMessageForm(request.POST)
    sit = proactive.situation(order, thread)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return _render(request, sit, visible, form=request.POST.dict(), error=error, status=400)
    data = form.cleaned_data
    try:
        proactive.send(
            sit,
            request.user,
            message_type=data["message_type"],
            text=data["text"],
            key=data["idempotency_key"],
            confirmation=data["confirm_warnings"],
        )
    except proactive.Refused as refused:
        return _render(
            request,
            proactive.situation(order, thread),
            visible,
            form=data,
            error=refused.reason,
            findings=refused.findings,
            status=400,
        )
    messages.success(request, _("Amazon accepted the message; it is in the thread."))
    return redirect(_page_url(order, thread if visible else None))


@login_required
@require_POST
def check(request: HttpRequest, order_id: int) -> HttpResponse:
    """The live compliance check of the proactive message being written."""
    order, thread, _visible = _load(request, order_id, scoping.Action.REPLY)
    form = ComplianceCheckForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    message_type = form.cleaned_data.get("message_type", "")
    findings = proactive.check_draft(order, thread, message_type, text) if text.strip() else []
    if reply_check.blocking(findings):
        reply_check.record_composer_blocked(
            order.seller_account_id, request.user.pk, Source.PROACTIVE, order.pk, findings
        )
    panel = compliance.panel(
        text, findings, confirmation=form.cleaned_data.get("confirm_warnings", "")
    )
    return render(request, f"{TEMPLATE}#proactive-findings", {"order": order, "panel": panel})


@login_required
@require_POST
def review_request(request: HttpRequest, order_id: int) -> HttpResponse:
    """Amazon's "Request a Review" for the order (once, inside Amazon's window)."""
    order, thread, visible = _load(request, order_id, scoping.Action.REPLY)
    try:
        proactive.request_review(order, request.user)
    except proactive.Refused as refused:
        messages.error(request, refused.reason)
    else:
        messages.success(request, _("Amazon will ask the buyer for a review and feedback."))
    return redirect(_page_url(order, thread if visible else None))
