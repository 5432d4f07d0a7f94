# PPS Admin: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite always runs against real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pps_admin
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?= --durations=15
# Two test processes (the machines have 2 cores); each gets its own test database, queue and worker.
PYTEST_WORKERS ?= -n 2

.PHONY: run test demo install install-dev lock system-deps-run system-deps-test services lint migrations-check \
	compose-check smoke ci clean

# Installs exactly the locks (every package pinned and hash-checked), as the Dockerfile does; the venv's own
# pip does it (an unpinned pip upgrade would be the one package outside the lock).
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make lock: compile requirements.in / requirements-dev.in into the pinned, hashed requirements*.txt.
# Keeps every pin that still fits; LOCK_ARGS=--upgrade moves all to their newest versions,
# LOCK_ARGS="--upgrade-package django" one. One lock for every platform (--universal), Python 3.11.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_ARGS)

lock: install-dev
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

# WeasyPrint (document rendering) needs Pango; the pact scan upload rasterises PDF pages with poppler's
# pdftoppm and reads their QR codes with zbar's zbarimg (integrity/services/scan_pages.py). Both targets
# make sure they are there. zxing-cpp (the QR codes) links the system's C++ runtime, libstdc++6.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils zbar-tools libstdc++6

system-deps-run:
	bash .ci/system-deps $(RUN_DEBS)

# make run seals the documents with a local seal made once in .run/seal (create_local_seal keeps an existing
# one): an uncertified electronic signature, labelled so on every document (README "Signing").
SEAL_DIR := .run/seal
RUN_SEAL_ENV = SIGNER=local SEAL_PKCS12_PATH=$(SEAL_DIR)/segel.p12 SEAL_PKCS12_PASSPHRASE="$$(cat $(SEAL_DIR)/passphrase)"

## make run: development server on SQLite (DATABASE_URL unset) and, beside it, the embedded Celery worker
## (2 processes and its beat) on a queue of files in .run/broker (REDIS_URL unset); Ctrl-C stops both.
run: install system-deps-run
	DEBUG=true $(PY) manage.py create_local_seal --dir $(SEAL_DIR) --skip-checks
	DEBUG=true $(PY) manage.py migrate --noinput --skip-checks
	DEBUG=true $(PY) manage.py ensure_demo_admin --url http://$(HOST):$(PORT)/admin/ --skip-checks
	$(RUN_SEAL_ENV) DEBUG=true $(PY) manage.py run_embedded $(HOST):$(PORT)

## make demo: add a clearly fictional 102-member roster to the development database.
demo: install system-deps-run
	DEBUG=true $(PY) manage.py migrate --noinput --skip-checks
	DEBUG=true $(PY) manage.py seed_demo

# nginx: the proxy tests run the deploy config (pps_admin/deploy/) in front of a real gunicorn. The tests
# also read rendered pages with poppler and zbar (RUN_DEBS, tests/test_verification*.py).
system-deps-test: tests/axe/node_modules/.installed
	bash .ci/system-deps $(RUN_DEBS) chromium nginx

# axe-core for the accessibility tests, from the npm registry at the version the lock file names.
tests/axe/node_modules/.installed: tests/axe/package-lock.json
	command -v npm >/dev/null || bash .ci/system-deps npm
	npm ci --prefix tests/axe --no-audit --no-fund --silent
	touch $@

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

## make smoke: the production path end to end (.ci/smoke): a fresh venv from requirements.txt alone,
# gunicorn + Celery worker + beat as docker-compose starts them, and a decree issued over HTTP.
smoke:
	PYTHON=$(PYTHON) bash .ci/smoke

ci: test lint migrations-check compose-check smoke

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
