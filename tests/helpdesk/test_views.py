from django.urls import reverse

from tests.factories import PASSWORD, SellerAccountFactory


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_with_email_and_password_reaches_home(client, team):
    response = client.post(
        reverse("login"), {"username": team.owner.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.resolver_match.view_name == "home"
    assert b"Sunny Kitchen GmbH" in response.content


def test_wrong_password_is_refused_with_a_clear_message(client, team):
    response = client.post(reverse("login"), {"username": team.owner.email, "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content


def test_status_page_lists_only_the_users_own_seller_accounts(client, team):
    client.force_login(team.outsider)
    response = client.get(reverse("status"))
    assert b"Rival Gadgets Ltd" in response.content
    assert b"Sunny Kitchen GmbH" not in response.content


def test_status_page_query_count_does_not_grow_with_accounts(
    client, team, django_assert_max_num_queries
):
    for _ in range(15):
        SellerAccountFactory().memberships.create(user=team.owner, role="admin")
    client.force_login(team.owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("status"))
    assert response.status_code == 200
    assert response.content.count(b"<tr>") == 17  # header + 16 accounts


def test_status_page_reports_a_worker_that_was_never_seen(client, team):
    from django.core.cache import cache

    cache.delete("worker:heartbeat")
    client.force_login(team.owner)
    assert b"not seen yet" in client.get(reverse("status")).content


def test_healthz_answers_when_database_and_redis_do(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_arabic_interface_is_laid_out_right_to_left(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ar")
    assert b'dir="rtl"' in response.content
