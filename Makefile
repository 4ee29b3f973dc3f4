# The two commands a new user needs: `make run` (the product) and `make test` (the test suite).
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint deps dev-deps clean-var migrations
# Test-only keys for developer commands against throwaway servers; never used by `make run`.
DEV_ENV := SECRET_KEY=dev-only-secret-key-not-for-production-0123456789abcdef \
	FIELD_ENCRYPTION_KEY=dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24= HTTPS=false

run: deps
	$(PY) -m helpdesk run

test: dev-deps
	$(MAKE) --no-print-directory lint
	$(PY) -m helpdesk services -- $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

$(VENV)/.deps: pyproject.toml scripts/bootstrap.sh
	sh scripts/bootstrap.sh $(VENV)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-deps: pyproject.toml scripts/bootstrap.sh scripts/system-packages.txt
	sh scripts/bootstrap.sh $(VENV) --with-system-packages
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.deps $@

# Developer helper: write migrations for model changes.
migrations: dev-deps
	$(DEV_ENV) $(PY) -m helpdesk services -- $(PY) manage.py makemigrations

# Removes the embedded default's data (database, Redis, demo login). Asks first.
clean-var:
	@printf 'Delete ./var (the local database, Redis data and demo login)? [y/N] ' && read answer && [ "$$answer" = y ] && rm -rf var
