"""Headless Chromium (Debian's package) driven by Playwright against a live test server.

Without Playwright or Chromium these tests skip locally, but under CI (CI=true) they fail:
the browser flows must run there."""

import os
import shutil
from pathlib import Path

import pytest

from tests.messaging.inbox_data import ensure_marketplaces

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM calls the tests make (and
    the database flush after each) are still plain synchronous calls. Set for these modules
    only and removed afterwards, so no other test or subprocess inherits it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _marketplaces(_orm_beside_playwright, transactional_db) -> None:
    ensure_marketplaces()


@pytest.fixture(scope="module")
def chromium(_orm_beside_playwright):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not shutil.which(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (Debian package chromium)")
    from playwright.sync_api import expect

    # The machine running the suite may be busy: give each expectation time to come true.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
