"""The access sweep: every URL pattern of the project, called as every kind of person.

- another seller's sub-user gets 404 on every URL naming this seller's data (never a 403 that
  confirms it exists, never a 200), with and without htmx;
- each member gets exactly what their role allows: 403 below the action, never 404;
- a read-only member gets 403 on every write (POST);
- a signed-out visitor is sent to sign in from everything that is not public;
- personal pages show another seller's member nothing of this seller.
The registry of URLs is tests/access_registry.py; a URL missing from it fails this test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.scoping import ROLE_ACTIONS, Action
from tests.access_registry import CANARIES, PERSONAL, PUBLIC, ROUTES, SELLER, SweepObjects
from tests.fast_hashing import fast_password_hashing  # noqa: F401 - autouse

HOW_TO_REGISTER = """
These URL patterns are not in the access sweep's registry (tests/access_registry.py):
{names}
Add each to ROUTES there, e.g.
    "messaging:thread": seller(get=Action.VIEW, kwargs=lambda o: {{"pk": o.thread.pk}}),
    "messaging:reply": seller(post=Action.REPLY, kwargs=lambda o: {{"pk": o.thread.pk}}),
    "orders:order_list": personal("lists only orders the person may see"),
    "accounts:accept_invitation": public("the signed link is the credential"),
A pattern without a name must get one (path(..., name="...")) to be registered.
"""


def url_pattern_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Full names ("namespace:name") of every pattern in the URLconf; unnamed ones by route."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern}>")
    return names


def test_every_url_pattern_is_registered():
    missing = sorted(url_pattern_names() - set(ROUTES))
    assert not missing, HOW_TO_REGISTER.format(names="\n".join(f"    {n}" for n in missing))


def test_the_registry_names_no_url_that_is_gone():
    stale = sorted(set(ROUTES) - url_pattern_names())
    assert not stale, f"Remove these from tests/access_registry.py, they no longer exist: {stale}"


def test_no_write_is_open_to_read_only_members():
    weak = [
        n for n, r in ROUTES.items() if r.kind == SELLER and r.actions.get("POST") == Action.VIEW
    ]
    assert not weak, f"A POST must need more than Action.VIEW: {weak}"


SELLER_ROUTES = sorted(n for n, r in ROUTES.items() if r.kind == SELLER)
WRITE_ROUTES = [n for n in SELLER_ROUTES if "POST" in ROUTES[n].methods]
SIGNED_IN_ROUTES = sorted(n for n, r in ROUTES.items() if r.kind in (SELLER, PERSONAL))
PERSONAL_ROUTES = sorted(n for n, r in ROUTES.items() if r.kind == PERSONAL)
PUBLIC_ROUTES = sorted(n for n, r in ROUTES.items() if r.kind == PUBLIC)


@pytest.fixture
def objects(team, settings, tmp_path) -> SweepObjects:
    settings.MEDIA_ROOT = tmp_path
    return SweepObjects(team, str(tmp_path))


def call(client, name: str, method: str, objects: SweepObjects, **headers: str):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(objects))
    if method == "GET":
        return client.get(url, route.query(objects), headers=headers)
    return client.post(url, {}, headers=headers)


@pytest.mark.parametrize("name", SELLER_ROUTES)
def test_another_sellers_member_gets_404(client, objects, name):
    client.force_login(objects.team.outsider)
    for method in ROUTES[name].methods:
        for headers in ({}, {"HX-Request": "true"}):
            response = call(client, name, method, objects, **headers)
            assert response.status_code == 404, (method, headers, response.status_code)


@pytest.mark.parametrize("name", SELLER_ROUTES)
def test_each_role_gets_what_it_may_and_403_otherwise(client, objects, name):
    team = objects.team
    personas = [
        ("read_only", team.read_only),
        ("agent", team.agent),
        ("admin", objects.admin),
        ("owner", team.owner),
    ]
    for role, person in personas:
        client.force_login(person)
        for method, action in ROUTES[name].actions.items():
            response = call(client, name, method, objects)
            if action in ROLE_ACTIONS[role]:
                assert response.status_code not in (403, 404), (role, method, response)
                assert response.status_code < 500, (role, method, response)
            else:
                assert response.status_code == 403, (role, method, response.status_code)
        client.logout()


@pytest.mark.parametrize("name", WRITE_ROUTES)
def test_read_only_member_gets_403_on_every_write(client, objects, name):
    client.force_login(objects.team.read_only)
    assert call(client, name, "POST", objects).status_code == 403


@pytest.mark.parametrize("name", SIGNED_IN_ROUTES)
def test_signed_out_visitor_is_sent_to_sign_in(client, objects, name):
    for method in ROUTES[name].methods:
        response = call(client, name, method, objects)
        assert response.status_code == 302, (method, response.status_code)
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PERSONAL_ROUTES)
def test_personal_pages_show_another_sellers_member_nothing_of_this_seller(client, objects, name):
    objects.thread  # noqa: B018 - the seller's data must exist to be leaked
    client.force_login(objects.team.outsider)
    for method in ROUTES[name].methods:
        response = call(client, name, method, objects)
        assert response.status_code < 500
        body = response.content.decode(errors="replace")
        assert not [canary for canary in CANARIES if canary in body]


@pytest.mark.parametrize("name", PUBLIC_ROUTES)
def test_public_urls_answer_a_signed_out_visitor_without_error(client, objects, name):
    for method in ROUTES[name].methods:
        assert call(client, name, method, objects).status_code < 500
