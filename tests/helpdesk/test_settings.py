"""Settings come only from the environment, and production settings pass `check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "s" * 60,
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=",
    "DATABASE_URL": "postgres://u:p@db.internal:5432/helpdesk",
    "REDIS_URL": "redis://cache.internal:6379/2",
}
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'db': settings.DATABASES['default']['HOST'], 'name': settings.DATABASES['default']['NAME'], "
    "'redis': settings.CACHES['default']['LOCATION'], 'broker': settings.CELERY_BROKER_URL, "
    "'secure_cookie': settings.SESSION_COOKIE_SECURE, 'tz': settings.TIME_ZONE, "
    "'email': settings.EMAIL_HOST}))"
)


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD and k not in {"DEBUG", "HTTPS", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_are_read_from_the_environment():
    env = {
        **GOOD,
        "ALLOWED_HOSTS": "help.shop.example, other.example",
        "TIME_ZONE": "Europe/Madrid",
        "EMAIL_HOST": "smtp.shop.example",
    }
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "hosts": ["help.shop.example", "other.example"],
        "db": "db.internal",
        "name": "helpdesk",
        "redis": "redis://cache.internal:6379/2",
        "broker": "redis://cache.internal:6379/2",
        "secure_cookie": True,
        "tz": "Europe/Madrid",
        "email": "smtp.shop.example",
    }


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"]
)
def test_missing_required_setting_refuses_to_start_and_names_it(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = run_python(PROBE, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_short_secret_key_is_refused():
    result = run_python(PROBE, {**GOOD, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_database_other_than_postgresql_is_refused():
    result = run_python(PROBE, {**GOOD, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_malformed_boolean_is_refused_with_its_name():
    result = run_python(PROBE, {**GOOD, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_passes_with_production_settings():
    env = {
        **GOOD,
        "SECRET_KEY": "k8Jd_2mQ-x9ZrT4vW7yB1nC6pL3sF0hA5gE8uI2oK7jM9wR4tY6qN1zX3cV5bD8fG",
        "ALLOWED_HOSTS": "helpdesk.shop.example",
        "BEHIND_PROXY": "true",
    }
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD and k not in {"DEBUG", "HTTPS", "ALLOWED_HOSTS"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
