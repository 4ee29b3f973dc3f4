"""Amazon's system notices and delivery failures: kept out of the inbox, listed here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import scoping

from ..ingest import selectors
from ..models import NoticeKind


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    if not scoping.account_ids(request.user, scoping.Action.VIEW):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    notices = selectors.notices(request.user, kind)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/notices.html",
        {"page": page, "kind": kind, "kinds": NoticeKind.choices},
    )
