"""Actions on one thread: No Response Needed (and undo), close, reopen, assign, tag, untag."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts.models import User

from .. import selectors, services
from ..forms import AssignForm, NoResponseNeededForm, TagForm
from ..models import Tag
from .common import after_thread_action


def _thread(request: HttpRequest, pk: int):
    return selectors.thread_for_user(request.user, pk, scoping.Action.REPLY)


def _run(request: HttpRequest, thread, action, *args: object) -> HttpResponse:
    try:
        action(thread, request.user, *args)
    except services.InvalidTransition as refused:
        return after_thread_action(request, thread, error=str(refused))
    return after_thread_action(request, thread)


@login_required
@require_POST
def no_response_needed(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    form = NoResponseNeededForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(request, thread, services.mark_no_response_needed, reason)


@login_required
@require_POST
def undo_no_response_needed(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, _thread(request, pk), services.undo_no_response_needed)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, _thread(request, pk), services.close_thread)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, _thread(request, pk), services.reopen_thread)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign to a member (assignee=<id>) or unassign (assignee empty)."""
    thread = _thread(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return after_thread_action(request, thread, error=str(form.errors))
    assignee = None
    if form.cleaned_data["assignee"]:
        assignee = get_object_or_404(User, pk=form.cleaned_data["assignee"], is_active=True)
    return _run(request, thread, services.assign, assignee)


@login_required
@require_POST
def add_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Tag the thread, creating the tag in the thread's seller account if it is new."""
    thread = _thread(request, pk)
    form = TagForm(request.POST)
    if not form.is_valid():
        return after_thread_action(request, thread, error=" ".join(form.errors.get("name", [])))
    try:
        tag = services.find_or_create_tag(
            thread.seller_account_id, form.cleaned_data["name"], request.user
        )
    except services.InvalidTransition as refused:
        return after_thread_action(request, thread, error=str(refused))
    return _run(request, thread, services.tag_thread, tag)


@login_required
@require_POST
def remove_tag(request: HttpRequest, pk: int, tag_id: int) -> HttpResponse:
    thread = _thread(request, pk)
    tag = get_object_or_404(Tag, pk=tag_id, seller_account_id=thread.seller_account_id)
    return _run(request, thread, services.untag_thread, tag)
