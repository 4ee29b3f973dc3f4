"""Pages of the orders app: connecting a seller account to Amazon, and the order panel."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import ConnectionForm


def _initial(account) -> dict:
    return {
        "lwa_client_id": account.lwa_client_id,
        "region": account.region,
        "marketplaces": list(account.marketplaces.all()),
        "orders_api_version": account.orders_api_version,
        "merchant_id": account.merchant_id,
        "sp_api_endpoint": account.sp_api_endpoint,
        "lwa_endpoint": account.lwa_endpoint,
    }


@login_required
@require_http_methods(["GET", "POST"])
def connection(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_to_manage(request.user, account_id)
    form = ConnectionForm(request.POST or None, account=account, initial=_initial(account))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_connection(
            account,
            request.user,
            services.ConnectionSettings(
                lwa_client_id=data["lwa_client_id"],
                lwa_client_secret=data["lwa_client_secret"],
                refresh_token=data["refresh_token"],
                region=data["region"],
                marketplace_ids=[m.pk for m in data["marketplaces"]],
                orders_api_version=data["orders_api_version"],
                merchant_id=data["merchant_id"],
                sp_api_endpoint=data["sp_api_endpoint"],
                lwa_endpoint=data["lwa_endpoint"],
            ),
        )
        return redirect("orders:connection", account_id=account.pk)
    return render(request, "orders/connection.html", {"account": account, "form": form})


@login_required
@require_POST
def test_connection(request: HttpRequest, account_id: int) -> HttpResponse:
    account = selectors.account_to_manage(request.user, account_id)
    if not account.refresh_token:
        checks = [services.Check(_("Credentials"), False, _("Save the credentials first."))]
    else:
        checks = services.check_connection(account, request.user)
        account.refresh_from_db()
    template = "orders/connection.html"
    if request.htmx:
        template += "#connection-checks"
    form = ConnectionForm(account=account, initial=_initial(account))
    return render(request, template, {"account": account, "form": form, "checks": checks})


@login_required
@require_GET
def order_panel(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order panel: the bare partial for htmx, a whole page without JavaScript."""
    order = selectors.order_with_items(request.user, order_id)
    template = "orders/order_panel.html" if request.htmx else "orders/order_page.html"
    return render(request, template, {"order": order})
