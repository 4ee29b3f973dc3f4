"""The sandbox speaks Amazon's HTTP: LWA's OAuth errors, the SP-API error envelope, rate-limit
and request-id headers, 429 QuotaExceeded, and the control endpoints tests rely on."""

import json
import urllib.error
import urllib.parse
import urllib.request

from tests.amazon import CLIENT_ID, CLIENT_SECRET


def call(url: str, *, data: bytes | None = None, headers: dict | None = None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def token(sandbox, refresh="Atzr|server-test", secret=CLIENT_SECRET):
    form = urllib.parse.urlencode(
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": CLIENT_ID,
            "client_secret": secret,
        }
    ).encode()
    return call(f"{sandbox.url}/auth/o2/token", data=form)


def test_lwa_exchanges_a_refresh_token_for_an_hour_long_access_token(sandbox):
    status, headers, body = token(sandbox)
    assert status == 200 and body["access_token"].startswith("Atza|")
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    assert headers["Cache-Control"] == "no-store"


def test_lwa_errors_are_oauth_json(sandbox):
    status, _, body = token(sandbox, secret="wrong")
    assert (status, body["error"]) == (401, "invalid_client")
    sandbox.revoke("Atzr|revoked")
    status, _, body = token(sandbox, refresh="Atzr|revoked")
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "invalid grant parameter : refresh_token" in body["error_description"]


def test_sp_api_errors_use_amazons_envelope_and_headers(sandbox):
    status, headers, body = call(f"{sandbox.url}/orders/v0/orders/111-0000000-0000000")
    assert status == 403
    assert body == {
        "errors": [
            {
                "code": "Unauthorized",
                "message": "Access to requested resource is denied.",
                "details": "Access token is missing in the request header.",
            }
        ]
    }
    assert headers["x-amzn-RequestId"] and "x-amzn-RateLimit-Limit" not in headers
    access = token(sandbox)[2]["access_token"]
    status, headers, body = call(
        f"{sandbox.url}/orders/v0/orders/111-0000000-0000000",
        headers={"x-amz-access-token": access},
    )
    assert status == 404 and body["errors"][0]["code"] == "NotFound"
    assert headers["x-amzn-RateLimit-Limit"] == "0.5"


def test_bad_input_is_400_invalid_input(sandbox):
    access = token(sandbox)[2]["access_token"]
    status, _, body = call(
        f"{sandbox.url}/orders/v0/orders?MarketplaceIds=A1PA6795UKMFR9&CreatedAfter=yesterday",
        headers={"x-amz-access-token": access},
    )
    assert status == 400 and body["errors"][0]["code"] == "InvalidInput"
    assert "CreatedAfter" in body["errors"][0]["details"]


def test_beyond_the_burst_amazon_answers_429_quota_exceeded(sandbox):
    sandbox.rate_limits(getOrder=(0.01, 2))
    access = token(sandbox)[2]["access_token"]
    order_id = sandbox.orders()[0]["order_id"]
    url = f"{sandbox.url}/orders/v0/orders/{order_id}"
    results = [call(url, headers={"x-amz-access-token": access}) for _ in range(3)]
    assert [r[0] for r in results] == [200, 200, 429]
    _, headers, body = results[2]
    assert body["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in headers and headers["x-amzn-RequestId"]


def test_faults_are_injected_once_and_logged(sandbox):
    access = token(sandbox)[2]["access_token"]
    order_id = sandbox.orders()[0]["order_id"]
    sandbox.fault("getOrder", status=503)
    url = f"{sandbox.url}/orders/v0/orders/{order_id}"
    first = call(url, headers={"x-amz-access-token": access})
    second = call(url, headers={"x-amz-access-token": access})
    assert first[0] == 503 and first[2]["errors"][0]["code"] == "ServiceUnavailable"
    assert second[0] == 200
    assert [e["status"] for e in sandbox.requests("getOrder")] == [503, 200]
