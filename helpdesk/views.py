"""Project-level pages: the signed-in home page and the health check."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import scoping
from accounts.models import Role

from .tasks import HEARTBEAT_KEY

# Beat schedules a heartbeat every 30 s; two missed beats mean the worker or beat is down.
HEARTBEAT_STALE_AFTER_SECONDS = 90


def worker_last_seen_seconds() -> int | None:
    raw = cache.get(HEARTBEAT_KEY)
    if not raw:
        return None
    return max(0, int((timezone.now() - datetime.fromisoformat(raw)).total_seconds()))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    accounts = scoping.seller_accounts(request.user).prefetch_related("marketplaces")
    roles = {g.seller_account_id: g.role for g in scoping.grants(request.user)}
    rows = [(account, Role(roles[account.id])) for account in accounts]
    last_seen = worker_last_seen_seconds()
    return render(
        request,
        "home.html",
        {
            "rows": rows,
            "worker_last_seen": last_seen,
            "worker_ok": last_seen is not None and last_seen <= HEARTBEAT_STALE_AFTER_SECONDS,
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: 200 when PostgreSQL and Redis answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    try:
        cache.get("healthz")
        checks["redis"] = "ok"
    except Exception:
        checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
