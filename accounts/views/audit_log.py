"""The audit log of one seller account, for its owners: filter, page through, export as CSV."""

import csv
from datetime import UTC

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import audit, scoping, selectors
from ..forms import AuditFilterForm
from ..models import SellerAccount

PAGE_SIZE = 50
# Spreadsheet programs run cells that start with these as formulas.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filtered(request: HttpRequest, account_id: int) -> tuple[AuditFilterForm, object]:
    people = list(selectors.audit_people(request.user, account_id))
    form = AuditFilterForm(request.GET or None, people=people)
    events = selectors.audit_events(request.user, account_id, **form.filters())
    return form, events


@login_required
@require_GET
def audit_log(request: HttpRequest, account_id: int) -> HttpResponse:
    scoping.require(request.user, account_id, scoping.Action.OWN)
    account = scoping.seller_accounts(request.user, scoping.Action.OWN).get(pk=account_id)
    form, events = _filtered(request, account_id)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, audit.action_label(event.action), audit.describe(event)) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    template = "accounts/audit_log.html"
    if request.htmx:
        template += "#audit-results"
    return render(
        request,
        template,
        {"account": account, "form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@login_required
@require_GET
def audit_export(request: HttpRequest, account_id: int) -> StreamingHttpResponse:
    """Every matching event as CSV, streamed in chunks so a long history stays cheap."""
    scoping.require(request.user, account_id, scoping.Action.OWN)
    account = SellerAccount.objects.only("pk").get(pk=account_id)
    form, events = _filtered(request, account_id)
    used = {key: str(value) for key, value in form.filters().items() if value}
    audit.record(request.user, "audit.exported", seller_account=account, data=used)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["time (UTC)", "person", "email", "action", "details", "target"])
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _cell(event.at.astimezone(UTC).isoformat(timespec="seconds")),
                    _cell(event.actor.name if event.actor else ""),
                    _cell(event.actor.email if event.actor else ""),
                    _cell(event.action),
                    _cell(audit.describe(event)),
                    _cell(f"{event.target_type}:{event.target_id}" if event.target_type else ""),
                ]
            )

    filename = f"audit-{account_id}-{timezone.now():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
