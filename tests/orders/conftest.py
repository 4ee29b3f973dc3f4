import secrets

import pytest

from accounts.models import ConnectionState, OrdersApiVersion, SellerAccount
from tests.amazon import CLIENT_ID, CLIENT_SECRET, Sandbox


def connect(account: SellerAccount, sandbox: Sandbox, version: str) -> SellerAccount:
    """Point `account` at the sandbox with fresh credentials (its own rate buckets there)."""
    account.lwa_client_id = CLIENT_ID
    account.lwa_client_secret = CLIENT_SECRET
    account.refresh_token = "Atzr|test-" + secrets.token_hex(8)
    account.sp_api_endpoint = sandbox.url
    account.lwa_endpoint = sandbox.url
    account.orders_api_version = version
    account.connection_state = ConnectionState.CONNECTED
    account.save()
    return account


@pytest.fixture(params=[OrdersApiVersion.V2026_01_01, OrdersApiVersion.V0], ids=["v2026", "v0"])
def amazon_account(request, team, sandbox) -> SellerAccount:
    """The team's seller account connected to the sandbox, once per Orders API version."""
    return connect(team.account, sandbox, request.param)


@pytest.fixture
def v2026_account(team, sandbox) -> SellerAccount:
    return connect(team.account, sandbox, OrdersApiVersion.V2026_01_01)


@pytest.fixture
def v0_account(team, sandbox) -> SellerAccount:
    return connect(team.account, sandbox, OrdersApiVersion.V0)
