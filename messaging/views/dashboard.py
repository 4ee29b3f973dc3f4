"""The 24-hour response-time dashboard, its CSV exports and the metric-email preferences."""

import csv
import dataclasses
from collections.abc import Iterator
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.models import Membership, SellerAccount
from messaging.metrics import charts, core, selectors, services
from messaging.metrics.forms import AlertPreferenceForm, DashboardFilterForm


@dataclasses.dataclass
class Request:
    form: DashboardFilterForm
    scope: selectors.DashboardScope
    window: selectors.Window
    now: datetime
    accounts: list[SellerAccount]


def _resolve(request: HttpRequest) -> Request | None:
    """Account, marketplace and window from the query string; None if the user has no account.
    An account the user cannot see is a 404."""
    accounts = selectors.visible_accounts(request.user)
    raw = request.GET.get("account")
    if raw:
        account = next((a for a in accounts if str(a.pk) == raw), None)
        if account is None:
            raise Http404
    elif accounts:
        account = accounts[0]
    else:
        return None
    scope = selectors.dashboard_scope(request.user, account)
    form = DashboardFilterForm(
        request.GET or None, marketplaces=selectors.marketplace_choices(scope)
    )
    scope = dataclasses.replace(scope, marketplace_id=form.chosen_marketplace())
    now = timezone.now()
    window = form.window_for(core.local_day(now, scope.zone))
    return Request(form, scope, window, now, accounts)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    resolved = _resolve(request)
    if resolved is None:
        return render(request, "messaging/dashboard.html", {"no_account": True})
    figures = selectors.figures(resolved.scope, resolved.window, resolved.now)
    context = {
        "form": resolved.form,
        "scope": resolved.scope,
        "accounts": resolved.accounts,
        "window": resolved.window,
        "figures": figures,
        "trend": charts.trend_chart(figures.by_day),
        "histogram": charts.histogram(figures.histogram),
        "at_risk": selectors.at_risk(resolved.scope, resolved.now),
        "nrn": selectors.nrn_to_copy(resolved.scope, resolved.now),
        "query": request.GET.urlencode(),
    }
    template = "messaging/dashboard.html"
    if request.htmx:
        template += "#dashboard-body"
    return render(request, template, context)


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running a name that starts like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(resolved: Request, kind: str) -> str:
    w = resolved.window
    return f"response-{kind}-{resolved.scope.account.pk}-{w.first}-{w.last}.csv"


FIGURE_COLUMNS = (
    "received",
    "within_24h",
    "pct_within_24h",
    "late",
    "unanswered",
    "pending",
    "nrn",
    "avg_response_seconds",
    "median_response_seconds",
)


@login_required
@require_GET
def figures_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's table: the total, then per agent, per marketplace and per day."""
    resolved = _resolve(request)
    if resolved is None:
        raise Http404
    figures = selectors.figures(resolved.scope, resolved.window, resolved.now, day_medians=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(resolved, "figures")}"'
    writer = csv.writer(response)
    writer.writerow(["breakdown", "name", *FIGURE_COLUMNS])
    sections = [("total", [selectors.Breakdown(None, _("All"), figures.total)])]
    sections += [
        ("agent", figures.by_agent),
        ("marketplace", figures.by_marketplace),
        ("day", figures.by_day),
    ]
    for section, rows in sections:
        for row in rows:
            values = row.metrics.as_dict()
            writer.writerow([section, _cell(row.label), *(values[c] for c in FIGURE_COLUMNS)])
    return response


def _message_lines(resolved: Request) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            "message_id",
            "thread_id",
            "amazon_order_id",
            "marketplace",
            "agent",
            "received_at",
            "answered_at",
            "no_response_needed_at",
            "outcome",
            "response_seconds",
        ]
    )
    for row in selectors.message_rows(resolved.scope, resolved.window, resolved.now):
        yield writer.writerow(
            [
                row.message_id,
                row.thread_id,
                _cell(row.amazon_order_id),
                _cell(row.marketplace),
                _cell(row.agent),
                row.received_at.isoformat(),
                row.answered_at.isoformat() if row.answered_at else "",
                row.no_response_needed_at.isoformat() if row.no_response_needed_at else "",
                row.outcome.value,
                "" if row.response_seconds is None else row.response_seconds,
            ]
        )


@login_required
@require_GET
def messages_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every buyer message behind the table, one line each, streamed."""
    resolved = _resolve(request)
    if resolved is None:
        raise Http404
    response = StreamingHttpResponse(_message_lines(resolved), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename(resolved, "messages")}"'
    return response


@login_required
@require_POST
def nrn_done(request: HttpRequest, reminder_id: int) -> HttpResponse:
    """Someone made the same NRN mark in Seller Central: stop counting the thread."""
    reminder = services.confirm_done_in_seller_central(request.user, reminder_id)
    messages.success(request, _("Noted: the mark was also made in Seller Central."))
    return redirect(f"{reverse('messaging:dashboard')}?account={reminder.seller_account_id}")


@login_required
@require_http_methods(["GET", "POST"])
def alert_preferences(request: HttpRequest) -> HttpResponse:
    """The user's own choice of metric emails, per seller account."""
    if request.method == "POST":
        form = AlertPreferenceForm(request.POST)
        if not form.is_valid():
            raise Http404
        services.set_alert_preferences(
            request.user,
            form.cleaned_data["account"],
            at_risk_email=form.cleaned_data["at_risk_email"],
            daily_summary_email=form.cleaned_data["daily_summary_email"],
        )
        messages.success(request, _("Your email preferences are saved."))
        return redirect("messaging:dashboard_alerts")
    memberships = (
        Membership.objects.filter(
            user=request.user, seller_account__in=scoping.seller_accounts(request.user)
        )
        .select_related("seller_account", "alert_preference")
        .order_by("seller_account__name")
    )
    rows = [
        {
            "membership": m,
            "preference": services.preference_for(m),
            "at_risk_allowed": services.may_get_at_risk_email(m),
            "summary_allowed": services.may_get_daily_summary(m),
        }
        for m in memberships
    ]
    return render(request, "messaging/dashboard_alerts.html", {"rows": rows})
