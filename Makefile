# Làng Số — the two commands: `make run` (demo app) and `make test` (lint + every test, SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/langso
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in parallel (pytest-xdist): PYTEST_WORKERS processes, each with its own test database.
# `--dist loadgroup` hands the tests out a few at a time in pytest-django's order, and keeps a module
# marked xdist_group on one worker (the read-replica tests build their two clusters once).
# PYTEST_WORKERS=0 runs serially, in this one process.
PYTEST_WORKERS ?= 2
PYTEST_XDIST = -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist loadgroup)

.PHONY: run test venv lint format test-sqlite test-postgres test-browser screenshots postgres-up demo check-deploy bench bench-growth messages clean load faults fuzz a11y

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

## Set everything up, load the demo data once, and serve the app at http://127.0.0.1:8000 with the
## background worker beside it (big imports, reports); Ctrl-C stops both
run: venv
	mkdir -p var
	LANGSO_DEMO_MODE=1 $(BIN)/python manage.py migrate --noinput
	LANGSO_DEMO_MODE=1 $(BIN)/python manage.py demo_data
	LANGSO_DEMO_MODE=1 $(BIN)/python manage.py build_guide_audio
	LANGSO_DEMO_MODE=1 $(BIN)/python manage.py run_with_worker $(HOST):$(PORT)

demo: venv
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py build_guide_audio

## Set everything up and run lint and every test, on SQLite and on PostgreSQL, then the fault-injection suite
test: venv lint check-deploy test-sqlite test-postgres faults

# lint-imports checks the layers (pyproject.toml [tool.importlinter]): an app imports only the apps below it.
lint: venv node_modules
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONPATH=$(CURDIR)/src $(BIN)/lint-imports --no-cache
	PYTHONPATH=$(CURDIR)/src $(BIN)/mypy
	node_modules/.bin/eslint src/langso/field/static/field
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

check-deploy: venv
	LANGSO_ENV=production DJANGO_SECRET_KEY=ci-check-$$(date +%s)-a-long-random-value-for-the-deploy-check-only \
	DJANGO_ALLOWED_HOSTS=langso.example.vn $(BIN)/python manage.py check --deploy --fail-level WARNING

test-sqlite: venv node_modules
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

postgres-up:
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -h 127.0.0.1 -p 5432 -q && exit 0; sleep 1; done; echo "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1

test-postgres: venv node_modules postgres-up
	DATABASE_URL=$(PG_URL) LANGSO_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

## Browser tests only (Debian's chromium at 360×740; failure screenshots go to test-artifacts/)
test-browser: venv node_modules
	$(BIN)/python -m pytest -m browser tests/browser $(PYTEST_ARGS)

## Regenerate the README's screenshots in docs/screenshots/ (360 px phone; the error pages and the province dashboard too)
screenshots: venv
	LANGSO_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser/test_phone_layout.py tests/browser/test_every_page_every_role.py

## Benchmarks (numbers go to bench/out/): import of 100,000 residents, name search over 1,000,000,
## 10,000 visits synced in batches of 100 over HTTP (PostgreSQL and SQLite); one heavy run at a time
bench: venv postgres-up
	flock /tmp/langso-heavy.lock $(BIN)/python bench/bench_import.py --rows 100000
	flock /tmp/langso-heavy.lock $(BIN)/python bench/bench_search.py
	flock /tmp/langso-heavy.lock $(BIN)/python bench/bench_sync.py
	mkdir -p var/bench
	flock /tmp/langso-heavy.lock $(BIN)/python bench/bench_sync.py --people 100000 \
		--database-url sqlite:///$(CURDIR)/var/bench/langso_bench_sync.sqlite3

## How each cost grows with the province (bench/README.md): Hồ Chí Minh City's 168 communes at
## GROWTH_SIZES people, each size generated again; a table and bench/growth.png. Hours at millions.
GROWTH_SIZES ?= 1000000,2000000,5000000
bench-growth: venv postgres-up
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	flock /tmp/langso-heavy.lock $(BIN)/python bench/bench_growth.py --sizes $(GROWTH_SIZES)

## axe-core for the accessibility test and ESLint for the field app, from the npm registry (package-lock.json pins them)
node_modules: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Hardening suites; their figures go in docs/quality.md
# Load: Locust plays a province's working morning against gunicorn + PostgreSQL on loopback.
load: venv postgres-up
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,load]'
	bash bench/load/run.sh

# Faults: kill the app server, the worker and a throwaway PostgreSQL in the middle of the work, and the
# primary of a Patroni pair under the running app (needs patroni and etcd-server; skipped without them).
# No browser test runs here, so CI's rule that the browser tests ran (LANGSO_REQUIRE_BROWSER) is off.
faults: venv postgres-up
	LANGSO_REQUIRE_BROWSER= LANGSO_FAULTS=1 $(BIN)/python -m pytest tests/faults $(PYTEST_ARGS)

# Bad input with more examples than the everyday run (Schemathesis, Hypothesis, broken Excel files).
fuzz: venv
	LANGSO_FUZZ=long $(BIN)/python -m pytest tests/fuzz $(PYTEST_ARGS)

# Accessibility (axe-core) and cheap-phone checks on every page.
a11y: venv node_modules
	$(BIN)/python -m pytest -m browser tests/browser/test_accessibility.py $(PYTEST_ARGS)

messages: venv
	cd src/langso && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete && ../../$(BIN)/python ../../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var staticfiles node_modules
