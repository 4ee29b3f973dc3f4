"""Mailbox sources (IMAP or Maildir, plus SMTP for replies), "Sync now" with its progress, and
the quarantine of mail that could not be read. Mailbox admin needs Action.MANAGE."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping

from ..ingest import selectors, services
from ..ingest.forms import MailboxForm
from ..models import Mailbox

TEMPLATE = "messaging/mailboxes.html"


def _require_some_admin_right(request: HttpRequest) -> None:
    if not scoping.account_ids(request.user, scoping.Action.MANAGE):
        raise PermissionDenied


@login_required
@require_GET
def mailbox_list(request: HttpRequest) -> HttpResponse:
    _require_some_admin_right(request)
    return render(
        request,
        TEMPLATE,
        {
            "mailboxes": selectors.mailboxes(request.user),
            "accounts": selectors.manageable_accounts(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_create(request: HttpRequest, account_id: int) -> HttpResponse:
    scoping.require(request.user, account_id, scoping.Action.MANAGE)
    mailbox = Mailbox(seller_account_id=account_id)
    return _edit(request, mailbox, created=True)


@login_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, selectors.mailbox(request.user, pk), created=False)


def _edit(request: HttpRequest, mailbox: Mailbox, created: bool) -> HttpResponse:
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        services.save_mailbox(form.save(commit=False), request.user, form.changed_fields())
        messages.success(request, _("Mailbox saved."))
        return redirect("messaging:mailbox_list")
    return render(
        request,
        "messaging/mailbox_form.html",
        {"form": form, "mailbox": mailbox, "created": created},
    )


@login_required
@require_POST
def mailbox_sync(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = selectors.mailbox(request.user, pk)
    sync = services.start_sync(mailbox, request.user)
    if request.htmx:
        return render(request, f"{TEMPLATE}#sync-progress", {"mailbox": mailbox, "sync": sync})
    messages.info(request, _("A worker is pulling the mailbox now."))
    return redirect("messaging:mailbox_list")


@login_required
@require_GET
def sync_progress(request: HttpRequest, pk: int) -> HttpResponse:
    sync = selectors.mailbox_sync(request.user, pk)
    return render(request, f"{TEMPLATE}#sync-progress", {"mailbox": sync.mailbox, "sync": sync})


@login_required
@require_GET
def quarantine_list(request: HttpRequest) -> HttpResponse:
    _require_some_admin_right(request)
    page = Paginator(selectors.quarantine(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "messaging/quarantine.html", {"page": page})


@login_required
@require_GET
def quarantine_raw(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.quarantined_mail(request.user, pk)
    # Hostile content: a download, never rendered, never sniffed.
    response = FileResponse(
        item.raw.open("rb"),
        as_attachment=True,
        filename=f"quarantined-{item.pk}.eml",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def quarantine_retry(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.quarantined_mail(request.user, pk)
    if services.retry_quarantined(item, request.user):
        messages.success(request, _("The mail was read and stored."))
    else:
        messages.error(request, _("The mail still cannot be read; it stays in quarantine."))
    return redirect("messaging:quarantine_list")
