"""The compliance report for owners and admins: which rule blocked or warned what, per agent
and per week, so a team sees where it needs training. Also as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import scoping
from accounts.models import SellerAccount

from . import selectors


def _account(request: HttpRequest) -> SellerAccount:
    """The account named by ?account= (404 outside it, 403 below admin), else the first the
    user manages."""
    raw = request.GET.get("account", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        scoping.require(request.user, int(raw), scoping.Action.MANAGE)
        return SellerAccount.objects.get(pk=int(raw))
    accounts = selectors.manageable_accounts(request.user)
    if accounts:
        return accounts[0]
    if scoping.account_ids(request.user):
        raise PermissionDenied
    raise Http404


def _number(request: HttpRequest, name: str, default: int | None) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else default


def _report(request: HttpRequest) -> selectors.Report:
    account = _account(request)
    return selectors.report(
        request.user,
        account,
        weeks=_number(request, "weeks", 8) or 8,
        agent_id=_number(request, "agent", None),
    )


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    found = _report(request)
    return render(
        request,
        "compliance/report.html",
        {
            "report": found,
            "accounts": selectors.manageable_accounts(request.user),
            "agent_id": _number(request, "agent", None),
            "week_choices": (4, 8, 12, 26),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    found = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="compliance-{found.account.pk}-{found.since:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            _("week"),
            _("agent"),
            _("rule"),
            _("title"),
            _("blocked"),
            _("warned"),
            _("sent after confirming warnings"),
            _("examples"),
        ]
    )
    for row in found.rows:
        writer.writerow(
            [
                row.week.isoformat(),
                _safe(row.agent),
                row.rule_id,
                row.title,
                row.blocked,
                row.warned,
                row.sent_with_warnings,
                _safe(" | ".join(row.examples)),
            ]
        )
    return response


def _safe(value: str) -> str:
    """A spreadsheet must not run what an excerpt starts with (CSV formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
