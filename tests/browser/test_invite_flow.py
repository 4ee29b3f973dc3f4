"""The invite flow in headless Chromium: an owner invites a new agent from the team page, the
agent opens the emailed link, chooses a password and lands signed in. Then mandatory two-factor
set-up with its QR code. No page raises a Content-Security-Policy violation. Screenshots go to
test-artifacts/."""

import os
import re
import shutil
import time
from binascii import unhexlify
from pathlib import Path

import pytest
from django.core import mail
from django_otp.oath import TOTP

from accounts import services
from accounts.devices import AuthenticatorDevice
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - reported below
    sync_playwright = None


def _browser_missing() -> str | None:
    if sync_playwright is None:
        return "the playwright package is not installed"
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (Debian package chromium)"
    return None


@pytest.fixture
def browser_page(monkeypatch):
    problem = _browser_missing()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"The browser test must run under CI: {problem}")
        pytest.skip(problem)
    # Playwright's sync API runs an event loop in this thread; the ORM calls in this test run
    # between browser steps, never inside the loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


def watch_csp(page, violations: list[str]) -> None:
    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"invite-{name}.png"), full_page=True)


@pytest.mark.slow
def test_owner_invites_an_agent_who_sets_a_password_and_signs_in(
    browser_page, live_server, transactional_db, team, settings
):
    settings.SITE_URL = live_server.url
    violations: list[str] = []

    owner = browser_page.new_context(viewport={"width": 1280, "height": 860}).new_page()
    watch_csp(owner, violations)
    owner.goto(f"{live_server.url}/login/")
    shot(owner, "1-sign-in")
    owner.fill("#id_username", team.owner.email)
    owner.fill("#id_password", PASSWORD)
    owner.click("button[type=submit]")
    owner.click("text=Team & security")
    owner.click(f"a:has-text('{team.account.name}')")
    owner.wait_for_selector("#invite")
    owner.fill("#id_email", "nia.new@team.example")
    owner.select_option("#id_role", "agent")
    owner.check("input[name=marketplaces] >> nth=0")
    shot(owner, "2-team-page")
    owner.click("#invite button[type=submit]")
    owner.wait_for_selector("text=Invitation sent to nia.new@team.example")
    assert owner.locator("#members").get_by_text("nia.new@team.example").is_visible()
    shot(owner, "3-invitation-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)

    invitee = browser_page.new_context(viewport={"width": 1280, "height": 860}).new_page()
    watch_csp(invitee, violations)
    invitee.goto(link)
    assert invitee.get_by_role("heading", name=f"Join {team.account.name}").is_visible()
    invitee.fill("#id_name", "Nia Novak")
    invitee.fill("#id_password1", "plum orchard 84 lanterns")
    invitee.fill("#id_password2", "plum orchard 84 lanterns")
    shot(invitee, "4-choose-password")
    invitee.click("button[type=submit]")
    invitee.wait_for_selector("text=Welcome to the Sunny Kitchen GmbH team.")
    # The new agent lands in the inbox of the account they joined.
    invitee.wait_for_selector("#thread-list")
    assert invitee.locator(".account-name").get_by_text(team.account.name).is_visible()
    assert invitee.locator(".whoami").inner_text() == "Nia Novak"
    shot(invitee, "5-signed-in")

    owner.reload()
    assert owner.locator("#members").get_by_text("Nia Novak").is_visible()
    shot(owner, "6-new-member")

    assert invitee.goto(link).status == 404  # the link works once
    assert violations == []


@pytest.mark.slow
def test_mandatory_two_factor_sends_a_member_to_set_up_with_a_qr_code(
    browser_page, live_server, transactional_db, team
):
    services.set_two_factor_required(team.owner, team.account, True)
    violations: list[str] = []
    page = browser_page.new_context(viewport={"width": 1280, "height": 860}).new_page()
    watch_csp(page, violations)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", team.agent.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your team requires two-factor authentication")
    page.click("text=Set up two-factor authentication")
    page.wait_for_selector("figure.qr svg")
    shot(page, "7-two-factor-set-up")
    device = AuthenticatorDevice.objects.get(user=team.agent, confirmed=False)
    totp = TOTP(unhexlify(device.key.encode()), device.step, 0, device.digits, 0)
    totp.time = time.time()
    page.fill("#id_code", f"{totp.token():06d}")
    page.click("text=Turn on")
    page.wait_for_selector("ol.codes")
    assert page.locator("ol.codes li").count() == 10
    shot(page, "8-recovery-codes")
    page.click("text=I saved them, continue")
    page.wait_for_selector("#thread-list")  # past enrolment, the member reaches the inbox
    assert violations == []
