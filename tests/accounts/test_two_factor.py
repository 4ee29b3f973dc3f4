"""Two-factor authentication: enrolment with a QR code, codes at sign-in, recovery codes, and
an owner making it mandatory for the whole team."""

import re
import time
from binascii import unhexlify
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from accounts import services
from accounts.devices import AuthenticatorDevice, RecoveryCode
from accounts.models import AuditEvent
from tests.factories import PASSWORD


def code_for(device: AuthenticatorDevice, steps_ahead: int = 0) -> str:
    """What the person's phone shows (optionally one step later, as a fresh code)."""
    totp = TOTP(unhexlify(device.key.encode()), device.step, 0, device.digits, 0)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wait_out_the_throttle(device: AuthenticatorDevice) -> None:
    """A wrong code makes the next try wait a second (then two, four...): as if we waited."""
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )


def enrol(client: Client) -> tuple[AuthenticatorDevice, list[str]]:
    client.post(reverse("accounts:authenticator_start"))
    page = client.get(reverse("accounts:security")).content.decode()
    assert "<svg" in page  # the QR code, rendered on the server
    device = AuthenticatorDevice.objects.get(confirmed=False)
    assert device.secret_base32[:4] in page.replace(" ", "")
    response = client.post(reverse("accounts:authenticator_confirm"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    return AuthenticatorDevice.objects.get(pk=device.pk), codes


def sign_in(email: str) -> tuple[Client, object]:
    browser = Client()
    response = browser.post(reverse("login"), {"username": email, "password": PASSWORD})
    return browser, response


def test_enrolment_confirms_the_app_and_shows_ten_recovery_codes_once(client, team):
    client.force_login(team.agent)
    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == 10 == len(set(codes))
    assert RecoveryCode.objects.filter(device__user=team.agent).count() == 10
    assert AuditEvent.objects.filter(action="user.two_factor_enabled", actor=team.agent).exists()


def test_secrets_are_not_stored_in_the_clear(client, team):
    client.force_login(team.agent)
    device, codes = enrol(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        (stored_key,) = cursor.fetchone()
        cursor.execute("SELECT code_hash FROM accounts_recoverycode")
        stored_codes = {row[0] for row in cursor.fetchall()}
    assert device.key not in stored_key
    assert not {c.replace("-", "") for c in codes} & stored_codes


def test_a_wrong_first_code_does_not_turn_it_on(client, team):
    client.force_login(team.agent)
    client.post(reverse("accounts:authenticator_start"))
    response = client.post(reverse("accounts:authenticator_confirm"), {"code": "000000"})
    assert response.status_code == 400
    assert not AuthenticatorDevice.objects.filter(confirmed=True).exists()


def test_sign_in_then_asks_for_a_code(client, team):
    client.force_login(team.agent)
    device, _codes = enrol(client)
    browser, response = sign_in(team.agent.email)
    assert response["Location"] == reverse("accounts:two_factor_verify")
    # The password alone signs nobody in.
    assert browser.get(reverse("home"))["Location"].startswith(reverse("login"))
    browser.post(reverse("login"), {"username": team.agent.email, "password": PASSWORD})
    response = browser.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
    assert b"not right" in response.content
    wait_out_the_throttle(device)
    response = browser.post(
        reverse("accounts:two_factor_verify"), {"code": code_for(device, steps_ahead=1)}
    )
    assert response.status_code == 302
    assert browser.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.filter(action="auth.signed_in", actor=team.agent).latest("at")
    assert event.data["method"] == "password+authenticator"


def test_a_recovery_code_works_once(client, team):
    client.force_login(team.agent)
    _device, codes = enrol(client)
    browser, _ = sign_in(team.agent.email)
    response = browser.post(reverse("accounts:two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    again, _ = sign_in(team.agent.email)
    response = again.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert RecoveryCode.objects.filter(device__user=team.agent).count() == 9


def test_a_wrong_code_makes_the_next_try_wait(client, team):
    client.force_login(team.agent)
    device, _codes = enrol(client)
    browser, _ = sign_in(team.agent.email)
    browser.post(reverse("accounts:two_factor_verify"), {"code": "123456"})
    response = browser.post(
        reverse("accounts:two_factor_verify"), {"code": code_for(device, steps_ahead=1)}
    )
    assert response.status_code == 200  # refused although right: too soon after a wrong one


def test_too_many_wrong_codes_start_the_sign_in_over(client, team):
    client.force_login(team.agent)
    enrol(client)
    browser, _ = sign_in(team.agent.email)
    for _ in range(5):
        response = browser.post(reverse("accounts:two_factor_verify"), {"code": "zzzzz-zzzzz"})
    assert response["Location"] == reverse("login")
    assert browser.get(reverse("accounts:two_factor_verify"))["Location"] == reverse("login")


def test_enrolling_signs_the_person_out_of_their_other_sessions(client, team):
    other_browser, _ = sign_in(team.agent.email)
    client.force_login(team.agent)
    enrol(client)
    assert other_browser.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_mandatory_two_factor_sends_members_without_it_to_set_it_up_first(client, team):
    services.set_two_factor_required(team.owner, team.account, True)
    browser, response = sign_in(team.read_only.email)
    assert response.status_code == 302
    for url in (reverse("home"), reverse("team:index")):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:security"))
    htmx = browser.get(reverse("home"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("accounts:security"))
    enrol(browser)
    assert browser.get(reverse("home")).status_code == 200


def test_mandatory_two_factor_cannot_be_turned_off_by_a_member(client, team):
    client.force_login(team.agent)
    device, _codes = enrol(client)
    services.set_two_factor_required(team.owner, team.account, True)
    response = client.post(
        reverse("accounts:second_factor_remove"), {"code": code_for(device, steps_ahead=1)}
    )
    assert response.status_code == 302
    assert AuthenticatorDevice.objects.filter(user=team.agent, confirmed=True).exists()


def test_turning_it_off_needs_a_current_code(client, team):
    client.force_login(team.agent)
    device, _codes = enrol(client)
    client.post(reverse("accounts:second_factor_remove"), {"code": "000000"})
    assert AuthenticatorDevice.objects.filter(user=team.agent).exists()
    wait_out_the_throttle(device)
    client.post(reverse("accounts:second_factor_remove"), {"code": code_for(device, steps_ahead=1)})
    assert not AuthenticatorDevice.objects.filter(user=team.agent).exists()


def test_an_owner_turns_the_rule_on_from_the_team_page(client, team):
    client.force_login(team.owner)
    client.post(reverse("team:two_factor", args=[team.account.pk]), {"required": "on"})
    team.account.refresh_from_db()
    assert team.account.require_two_factor
    # The owner has no second factor yet either: the rule applies to them too.
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:security"))
