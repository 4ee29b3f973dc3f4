"""Personas shared by every test: an owner and an agent of one seller, and an outsider who
belongs to another seller account."""

from dataclasses import dataclass

import pytest

from accounts.models import Role, SellerAccount, User

from .amazon import sandbox, sandbox_server  # noqa: F401 - the Amazon sandbox fixtures
from .factories import MembershipFactory, SellerAccountFactory, UserFactory


@dataclass
class Team:
    account: SellerAccount
    owner: User
    agent: User
    read_only: User
    other_account: SellerAccount
    outsider: User  # an admin of other_account, nothing in account


@pytest.fixture
def team(db) -> Team:
    account = SellerAccountFactory(name="Sunny Kitchen GmbH")
    other = SellerAccountFactory(name="Rival Gadgets Ltd")
    owner = MembershipFactory(seller_account=account, role=Role.OWNER).user
    agent = MembershipFactory(seller_account=account, role=Role.AGENT).user
    read_only = MembershipFactory(seller_account=account, role=Role.READ_ONLY).user
    outsider = MembershipFactory(seller_account=other, role=Role.ADMIN).user
    return Team(account, owner, agent, read_only, other, outsider)


@pytest.fixture
def user(db) -> User:
    return UserFactory()


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker) -> None:
    """A transactional test ends by flushing every table, which also removes the marketplace
    reference data the migrations seeded; put it back before the next test that uses the
    database, so no test depends on running before the first transactional one."""
    if request.node.get_closest_marker("django_db") is None and not (
        DB_FIXTURES & set(request.fixturenames)
    ):
        return
    from accounts.marketplaces import seed
    from accounts.models import Marketplace

    with django_db_blocker.unblock():
        if not Marketplace.objects.exists():
            seed(Marketplace)


@pytest.fixture(autouse=True)
def _plain_static_files(settings) -> None:
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """pytest-django's live server, started after the test database so that it stops first.

    Its request threads are daemon threads that can exit without closing their database
    connection; those connections would stop the test database from being dropped, so they
    are ended when the server stops.
    """
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
