"""docker-compose.yml cannot be run here (no Docker engine), so it is checked against the code."""

import re
from pathlib import Path

import yaml

from tests.helpdesk.test_configuration_docs import variables_read_by_settings

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_file_variables() -> set[str]:
    return set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))


def test_services_are_postgres_redis_web_worker_and_beat():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "worker-amazon", "beat", "migrate"} == set(
        services
    )
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_app_services_build_this_repository_and_run_the_right_programs():
    services = compose()["services"]
    for name in ("web", "worker", "worker-amazon", "beat", "migrate"):
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
    assert services["web"]["command"][:2] == ["gunicorn", "helpdesk.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "helpdesk", "worker"]
    # Every queue the settings route to has a worker consuming it.
    from django.conf import settings

    consumed = {
        services[name]["command"][services[name]["command"].index("--queues") + 1]
        for name in ("worker", "worker-amazon")
    }
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert consumed == routed | {"celery"}
    assert services["beat"]["command"][:4] == ["celery", "-A", "helpdesk", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert (ROOT / "Dockerfile").exists()


def test_every_environment_name_is_a_setting_and_required_ones_are_provided():
    settings_vars = variables_read_by_settings()
    services = compose()["services"]
    for name in ("web", "worker", "worker-amazon", "beat", "migrate"):
        environment = set(services[name]["environment"])
        assert environment <= settings_vars, environment - settings_vars
        # What compose does not set comes from .env, which starts as .env.example.
        assert environment | env_file_variables() >= REQUIRED


def test_stateful_services_keep_data_in_volumes_and_have_healthchecks():
    data = compose()
    services = data["services"]
    assert "postgres:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis:/data" in services["redis"]["volumes"]
    assert {"postgres", "redis", "media"} <= set(data["volumes"])
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_web_and_workers_wait_for_migrations():
    services = compose()["services"]
    for name in ("web", "worker", "worker-amazon", "beat"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
