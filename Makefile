# The two commands a new user needs: `make run` (the product) and `make test` (the test suite).
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint deps dev-deps clean-var

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

# Removes the embedded default's data (database, Redis, demo login). Asks first.
clean-var:
	@printf 'Delete ./var (the local database, Redis data and demo login)? [y/N] ' && read answer && [ "$$answer" = y ] && rm -rf var
