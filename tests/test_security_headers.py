"""Every page carries the Content-Security-Policy and the other security headers, and no
template (nor any rendered page) has an inline script, inline event handler or style
attribute, which that policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.access_registry import PUBLIC, ROUTES, SweepObjects
from tests.fast_hashing import fast_password_hashing  # noqa: F401 - autouse

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)

GET_ROUTES = sorted(name for name, route in ROUTES.items() if "GET" in route.methods)


def csp_problems(html: str) -> list[str]:
    problems = [f"inline <script>: {m.group(0)}" for m in INLINE_SCRIPT.finditer(html)]
    problems += [f"<style> element at {m.start()}" for m in STYLE_ELEMENT.finditer(html)]
    problems += [f"javascript: URL: {m.group(0)}" for m in JAVASCRIPT_URL.finditer(html)]
    for tag in TAG.findall(html):
        if EVENT_HANDLER.search(tag):
            problems.append(f"inline event handler: {tag[:120]}")
        if STYLE_ATTRIBUTE.search(tag):
            problems.append(f"style attribute: {tag[:120]}")
    return problems


def project_templates() -> list[Path]:
    folders = [ROOT / "templates"] + [p for p in ROOT.glob("*/templates") if p.is_dir()]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_the_template_scan_finds_what_it_looks_for():
    bad = (
        '<script>alert(1)</script><a href="#" onclick="go()">x</a><div style="color:red">'
        '<button hx-on:click="x()">b</button><a href="javascript:go()">y</a>'
    )
    assert len(csp_problems(bad)) == 5
    assert csp_problems('<script src="/static/js/app.js" defer></script><p class="one">') == []


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script_handler_or_style(path):
    assert csp_problems(path.read_text()) == []


@pytest.fixture
def objects(team, settings, tmp_path) -> SweepObjects:
    settings.MEDIA_ROOT = tmp_path
    return SweepObjects(team, str(tmp_path))


@pytest.mark.parametrize("name", GET_ROUTES)
def test_every_page_sends_the_csp_and_security_headers(client, objects, name):
    route = ROUTES[name]
    if route.kind != PUBLIC:
        client.force_login(objects.team.owner)
    response = client.get(reverse(name, kwargs=route.kwargs(objects)), route.query(objects))
    assert response.status_code < 500
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        key, _, value = part.partition(" ")
        directives[key] = value

    # Fetch directives fall back to default-src, as in browsers; 'none' is stricter than 'self'
    # (file downloads send a sandboxed policy that allows nothing at all).
    def effective(name: str) -> str:
        return directives.get(name, directives["default-src"])

    assert directives["default-src"] in ("'self'", "'none'")
    assert effective("script-src") in ("'self'", "'none'")
    assert effective("style-src") in ("'self'", "'none'")
    assert effective("object-src") == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    if response.get("Content-Type", "").startswith("text/html"):
        assert csp_problems(response.content.decode()) == []


def test_the_two_factor_set_up_page_renders_its_qr_code_without_inline_styles(client, team):
    client.force_login(team.agent)
    client.post(reverse("accounts:authenticator_start"))
    response = client.get(reverse("accounts:security"))
    html = response.content.decode()
    assert "<svg" in html
    assert csp_problems(html) == []


def test_sessions_expire_and_cookies_are_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 60 * 60


def test_template_comments_are_closed_on_their_line():
    """Django's {# #} comments end at the line: one spread over lines shows up on the page."""
    root = Path(__file__).resolve().parents[1] / "templates"
    broken = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert not broken, broken
