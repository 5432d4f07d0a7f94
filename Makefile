# PPS Admin: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite always runs against real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pps_admin
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# Two test processes (the machines have 2 cores); each gets its own test database, queue and worker.
PYTEST_WORKERS ?= -n 2

.PHONY: run test demo install install-dev system-deps-run system-deps-test services lint migrations-check compose-check ci clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# WeasyPrint (document rendering) needs Pango; both targets make sure it is there.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

system-deps-run:
	bash .ci/system-deps $(RUN_DEBS)

## make run: development server on SQLite (DATABASE_URL unset) and, beside it, the embedded Celery worker
## (2 processes and its beat) on a queue of files in .run/broker (REDIS_URL unset); Ctrl-C stops both.
run: install system-deps-run
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py ensure_demo_admin --url http://$(HOST):$(PORT)/admin/
	DEBUG=true $(PY) manage.py run_embedded $(HOST):$(PORT)

## make demo: add a clearly fictional 102-member roster to the development database.
demo: install system-deps-run
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo

system-deps-test:
	bash .ci/system-deps $(RUN_DEBS) chromium poppler-utils

services:
	bash .ci/services

## make test: the whole suite against PostgreSQL and Redis, browser tests in Debian's Chromium.
# Tests run with DEBUG off (as in production) but without the HTTPS redirect of a TLS deployment.
TEST_ENV := SECRET_KEY=test-only-secret DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	SECURE_SSL_REDIRECT=false DJANGO_ALLOW_ASYNC_UNSAFE=true

test: install-dev system-deps-test services
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

migrations-check: install
	SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run

compose-check:
	bash .ci/system-deps docker-compose
	SECRET_KEY=compose-check docker-compose -f docker-compose.yml config -q

ci: test lint migrations-check compose-check

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
