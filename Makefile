# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The site's canonical address; every absolute link is built from it. Production sets its own.
BASE_URL ?= http://$(HOST):$(PORT)
export BASE_URL
# The PostgreSQL server the second half of `make test` uses (it creates and drops its own database there).
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: i18n i18n-compile i18n-check install run test test-fast test-sqlite test-postgres check lint mail clean browser-deps oidc-provider bench audit

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed i18n-compile

## Translations (README "Languages"): the catalogues are courseware/translations/<lang>/LC_MESSAGES/messages.po;
## the compiled .mo files are built here, never committed.
I18N_DIR := courseware/translations
I18N_POT := $(I18N_DIR)/messages.pot
I18N_PO  := $(wildcard $(I18N_DIR)/*/LC_MESSAGES/messages.po)
I18N_MO  := $(I18N_PO:.po=.mo)

$(I18N_DIR)/%/LC_MESSAGES/messages.mo: $(I18N_DIR)/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

## Compile the catalogues (make install, run and test do it).
i18n-compile: $(I18N_MO)

## Extract every translatable text into the template and bring each catalogue up to date (new texts empty).
i18n: $(BIN)/.installed
	$(BIN)/pybabel extract --no-location --omit-header --sort-output -F babel.cfg -k lazy_gettext -k _l -o $(I18N_POT) . >/dev/null
	$(BIN)/pybabel update --no-wrap -i $(I18N_POT) -d $(I18N_DIR) --ignore-obsolete >/dev/null
	@# The extraction date changes on every run: left out, so that `make test` leaves the catalogues unchanged.
	sed -i '/^"POT-Creation-Date:/d' $(I18N_DIR)/*/LC_MESSAGES/messages.po
	$(MAKE) --no-print-directory i18n-compile

## Fails when a template shows text outside the translation functions or a catalogue misses or has fuzzy messages.
i18n-check: i18n
	$(BIN)/python -m courseware.i18n_check

## Serve the site on http://$(HOST):$(PORT) with SQLite in instance/.
run: install
	$(BIN)/flask --app app content check
	$(BIN)/flask --app app db upgrade
	COURSEWARE_ENV=development $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

## The whole suite on SQLite, then on PostgreSQL when a server answers on 127.0.0.1:5432.
test: install browser-deps oidc-provider i18n-check check lint audit test-sqlite test-postgres

## What the browser tests need: Debian's chromium (installed when missing and we are root) and axe-core from npm.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "== chromium is missing: install it (apt-get install chromium) or the browser tests are skipped"; \
		fi; \
	fi
	@test -f tests/browser/node_modules/axe-core/axe.min.js || (cd tests/browser && npm ci --no-audit --no-fund --silent)

## The OpenID provider the SSO tests run on loopback (oidc-provider from npm, pinned in package-lock.json).
oidc-provider:
	@test -f tests/sso/provider/node_modules/oidc-provider/package.json || (cd tests/sso/provider && npm ci --no-audit --no-fund --silent)

check: install
	$(BIN)/flask --app app content check

## The layers of courseware/ point one way (contracts in pyproject.toml, [tool.importlinter]).
lint: install
	$(BIN)/lint-imports

## Known vulnerabilities in the pinned dependencies (pip-audit against the PyPI advisory service). Fails on any
## known vulnerability; says clearly when no vulnerability database can be reached (a closed network).
audit: install
	@$(BIN)/pip-audit --no-deps --disable-pip --progress-spinner off -r requirements-dev.txt > .audit.log 2>&1; rc=$$?; \
	if [ $$rc -eq 0 ] && ! grep -q "could not be audited" .audit.log; then \
		echo "== pip-audit: no known vulnerabilities in the pinned dependencies"; \
	elif grep -q "known vulnerabilit" .audit.log && ! grep -q "No known vulnerabilities" .audit.log; then \
		cat .audit.log; echo "== pip-audit found known vulnerabilities"; exit 1; \
	elif grep -q "could not be audited" .audit.log; then \
		echo "== SKIPPED: pip-audit could not reach a vulnerability database (closed network); nothing was checked"; \
	else cat .audit.log; exit 1; fi

## The fast part while working: everything but the tests marked slow (browser, scale, fuzzing), on SQLite.
test-fast: install
	@echo "== the fast part of the test suite on SQLite (make test runs all of it)"
	env -u DATABASE_URL $(BIN)/pytest -m "not slow"

test-sqlite: install
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2).close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL (127.0.0.1:5432)"; \
		DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest; \
	else \
		echo "== SKIPPED: the PostgreSQL half of the suite (no server answers on 127.0.0.1:5432)"; \
	fi

## Benchmark: the app under gunicorn (4 workers) on 100 and 10,000 demo learners, measured with wrk.
## BENCH_ARGS="--database-url postgresql://postgres@127.0.0.1:5432/postgres" benchmarks PostgreSQL instead.
bench: install
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Debian's wrk for the benchmark"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "== wrk is missing: apt-get install -y wrk"; exit 1; fi; \
	fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## Deliver queued mail once (cron runs this every few minutes in production).
mail: install
	$(BIN)/flask --app app mail send

clean:
	rm -rf $(VENV) .pytest_cache
