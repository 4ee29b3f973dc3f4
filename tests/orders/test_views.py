"""The connection page, the Test-connection button, the re-authorisation banner and the
order panel: who may see them, what they show, how many queries they take."""

from decimal import Decimal

import pytest
from django.db import connection as db
from django.urls import reverse

from accounts.models import ConnectionState
from tests.amazon import CLIENT_ID, CLIENT_SECRET
from tests.factories import DE, UK, OrderFactory, OrderItemFactory

from .conftest import connect


def connection_url(account) -> str:
    return reverse("orders:connection", args=[account.pk])


def test_owner_sees_the_connection_page(client, team):
    client.force_login(team.owner)
    response = client.get(connection_url(team.account))
    assert response.status_code == 200
    assert "Test connection" in response.content.decode()


@pytest.mark.parametrize("who", ["agent", "read_only"])
def test_members_without_manage_get_403(client, team, who):
    client.force_login(getattr(team, who))
    assert client.get(connection_url(team.account)).status_code == 403
    assert client.post(connection_url(team.account), {}).status_code == 403
    test_url = reverse("orders:test_connection", args=[team.account.pk])
    assert client.post(test_url).status_code == 403


def test_outsider_gets_404(client, team):
    client.force_login(team.outsider)
    assert client.get(connection_url(team.account)).status_code == 404
    assert client.post(reverse("orders:test_connection", args=[team.account.pk])).status_code == 404


def test_saving_stores_secrets_encrypted_and_never_shows_them(client, team):
    client.force_login(team.owner)
    response = client.post(
        connection_url(team.account),
        {
            "lwa_client_id": CLIENT_ID,
            "lwa_client_secret": "very-secret-value",
            "refresh_token": "Atzr|secret-refresh-token",
            "region": "EU",
            "marketplaces": [DE, UK],
            "orders_api_version": "v0",
            "sp_api_endpoint": "http://127.0.0.1:9",
            "lwa_endpoint": "http://127.0.0.1:9",
        },
    )
    assert response.status_code == 302
    team.account.refresh_from_db()
    assert team.account.refresh_token == "Atzr|secret-refresh-token"
    assert team.account.orders_api_version == "v0"
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT refresh_token, lwa_client_secret FROM accounts_selleraccount WHERE id = %s",
            [team.account.pk],
        )
        stored = cursor.fetchone()
    assert "secret-refresh-token" not in stored[0] and "very-secret-value" not in stored[1]
    page = client.get(connection_url(team.account)).content.decode()
    assert "secret-refresh-token" not in page and "very-secret-value" not in page
    assert "A refresh token is stored." in page
    event = team.account.audit_events.get(action="seller_account.connection_saved")
    assert "refresh_token" in event.data["changed"] and "secret" not in str(event.data).replace(
        "lwa_client_secret", ""
    )
    secret_event = team.account.audit_events.get(action="account.secret_changed")
    assert secret_event.actor == team.owner
    assert secret_event.data == {"fields": ["lwa_client_secret", "refresh_token"]}


def test_marketplaces_must_be_in_the_region(client, team):
    client.force_login(team.owner)
    response = client.post(
        connection_url(team.account),
        {
            "lwa_client_id": CLIENT_ID,
            "lwa_client_secret": CLIENT_SECRET,
            "refresh_token": "Atzr|x",
            "region": "NA",
            "marketplaces": [DE],
            "orders_api_version": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "not in the chosen region" in response.content.decode()


def test_test_connection_reports_what_worked(client, team, sandbox):
    connect(team.account, sandbox, "2026-01-01")
    client.force_login(team.owner)
    response = client.post(reverse("orders:test_connection", args=[team.account.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("worked") == 3, page  # Login with Amazon, Orders API, Messaging API
    team.account.refresh_from_db()
    assert team.account.connection_state == ConnectionState.CONNECTED


def test_test_connection_with_a_revoked_token_says_so_and_shows_the_banner(client, team, sandbox):
    connect(team.account, sandbox, "v0")
    sandbox.revoke(team.account.refresh_token)
    client.force_login(team.owner)
    response = client.post(
        reverse("orders:test_connection", args=[team.account.pk]), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "failed" in page and "revoked" in page
    assert "<html" not in page  # htmx gets the checks partial only
    team.account.refresh_from_db()
    assert team.account.connection_state == ConnectionState.NEEDS_REAUTHORISATION
    client.force_login(team.agent)
    home = client.get(reverse("home")).content.decode()
    assert 'id="reauthorisation-banner"' in home and team.account.name in home


def test_outsider_does_not_see_another_sellers_banner(client, team):
    team.account.connection_state = ConnectionState.NEEDS_REAUTHORISATION
    team.account.save()
    client.force_login(team.outsider)
    assert "reauthorisation-banner" not in client.get(reverse("home")).content.decode()


def panel_order(team):
    order = OrderFactory(
        seller_account=team.account,
        total_amount=Decimal("59.80"),
        total_currency="EUR",
        shipping_address={"Name": "Anna Beispiel", "City": "Berlin", "PostalCode": "10115"},
    )
    OrderItemFactory.create_batch(6, order=order, item_price_amount=Decimal("9.90"))
    return order


def test_order_panel_shows_status_items_and_total(client, team, django_assert_max_num_queries):
    order = panel_order(team)
    client.force_login(team.agent)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("orders:order_panel", args=[order.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert order.amazon_order_id in page and "Shipped" in page and "59.80 EUR" in page
    assert page.count("B0TESTASIN") == 6 and "Fulfilled by the seller" in page
    assert "<html" in page  # a whole page without JavaScript
    partial = client.get(
        reverse("orders:order_panel", args=[order.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial and order.amazon_order_id in partial


def test_order_panel_outsider_gets_404(client, team):
    order = panel_order(team)
    client.force_login(team.outsider)
    assert client.get(reverse("orders:order_panel", args=[order.pk])).status_code == 404
