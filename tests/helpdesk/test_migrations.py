"""Migrations are complete, and build the schema and reference data on an empty database."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.fixture
def empty_database():
    """A brand-new database on the test server, dropped afterwards."""
    db = settings.DATABASES["default"]
    name = f"empty_{uuid.uuid4().hex[:12]}"
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    yield name, f"postgres://{user}@{db['HOST']}:{db['PORT']}/{name}", params
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_migrate_builds_everything_on_an_empty_database(empty_database):
    name, url, params = empty_database
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    connection = psycopg2.connect(dbname=name, **params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE region = 'EU') FROM accounts_marketplace"
        )
        marketplaces = cursor.fetchone()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'messaging_thread'")
        thread_indexes = {row[0] for row in cursor.fetchall()}
    connection.close()
    assert {
        "accounts_user",
        "accounts_selleraccount",
        "accounts_membership",
        "accounts_marketplace",
        "orders_order",
        "orders_orderitem",
        "messaging_mailbox",
        "messaging_thread",
        "messaging_message",
        "messaging_attachment",
        "messaging_tag",
        "messaging_replytemplate",
    } <= tables
    assert marketplaces == (23, 16)
    assert {
        "thread_inbox_deadline_idx",
        "thread_account_activity_idx",
        "thread_order_id_idx",
        "thread_buyer_alias_idx",
    } <= thread_indexes
