# aljisr — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app aljisr
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run serve test test-sqlite test-postgres install install-production lock translations lint bench bench-load bench-soak bench-planner clean

## run: install, migrate, load the demo data, start the mail worker and serve on 127.0.0.1:$(PORT)
# Certificates' QR codes point at the served address unless ALJISR_PUBLIC_BASE_URL says otherwise.
run: export ALJISR_PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install instance/config.py translations
	$(FLASK) init-db
	$(FLASK) seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ — demo logins are listed in README.md"
	@# the mail worker runs beside the web server and stops with it (Ctrl-C stops both)
	@$(FLASK) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

## test: lint, then the suite: every test that uses a database on SQLite and, when the local
## server answers, on PostgreSQL too, in one run (tests/conftest.py)
test: install translations lint
	@if [ -n "$$ALJISR_TEST_DATABASE_URL" ] || $(PG_ANSWERS); then \
	  ALJISR_TEST_DATABASE_URL=$${ALJISR_TEST_DATABASE_URL:-$(PG_URL)} $(PYTEST); \
	else echo "PostgreSQL not reachable at $(PG_URL) and ALJISR_TEST_DATABASE_URL unset: SQLite only"; \
	  $(PYTEST); fi

# Tests run in parallel (pytest-xdist): one process per CPU, each with its own databases;
# `make test PYTEST_JOBS=0` runs them in one process. Compiled bytecode (the app's modules and
# pytest's rewritten tests) is kept in .venv/pycache even where PYTHONDONTWRITEBYTECODE is set,
# so test processes and the commands they start do not compile everything again.
PYTEST_JOBS ?= auto
PYTEST := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache \
  $(BIN)/pytest -n $(PYTEST_JOBS) --dist worksteal
PG_ANSWERS := $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null

## test-sqlite, test-postgres: one engine only (test-postgres leaves out the tests that use no database)
test-sqlite: install translations
	ALJISR_TEST_ENGINES=sqlite $(PYTEST)

# A fresh PostgreSQL database is created (and dropped) by tests/conftest.py for each test process.
test-postgres: install translations
	ALJISR_TEST_ENGINES=postgresql ALJISR_TEST_DATABASE_URL=$${ALJISR_TEST_DATABASE_URL:-$(PG_URL)} $(PYTEST)

## install: the locked versions (requirements/dev.txt: app, test and production extras), then the
## app itself without resolving anything again. `pip check` fails when the lock no longer meets
## setup.cfg's ranges: run `make lock`.
install: $(BIN)/.installed

$(BIN)/.installed: requirements/dev.txt setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

## install-production: what a server needs and no more (requirements/production.txt)
install-production: $(BIN)/.installed-production

$(BIN)/.installed-production: requirements/production.txt setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/production.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

## serve: gunicorn with gunicorn.conf.py, settings from instance/config.py and ALJISR_* (README,
## "Production"); run `flask --app aljisr init-db` first and after every upgrade
serve: install-production
	@$(BIN)/pybabel compile -d aljisr/translations >/dev/null
	$(BIN)/gunicorn -c gunicorn.conf.py

## lock: resolve setup.cfg's ranges again into the two hashed lock files (uv, see README)
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'uv>=0.9'
	$(BIN)/uv pip compile setup.cfg --quiet --universal --python-version 3.11 --generate-hashes \
	  --extra test --extra production --custom-compile-command 'make lock' $(LOCK_ARGS) -o requirements/dev.txt
	$(BIN)/uv pip compile setup.cfg --quiet --universal --python-version 3.11 --generate-hashes \
	  --extra production -c requirements/dev.txt --custom-compile-command 'make lock' -o requirements/production.txt

instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	@echo "Wrote instance/config.py with a new SECRET_KEY"

translations: install
	@$(BIN)/pybabel compile -d aljisr/translations >/dev/null

lint: install
	$(BIN)/ruff check aljisr tests bench gunicorn.conf.py

## bench: every page at 1 %, 10 % and 100 % on SQLite and on PostgreSQL (databases it creates on
## 127.0.0.1:5432 and drops), and a warm worker's memory; writes bench/results.json
## (BENCH_ARGS="--runs 31", "--engines sqlite", "--postgres SERVER_URL", "--keep")
bench: install translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## bench-load: 50 signed-in coordinators for 60 s on gunicorn + PostgreSQL at full size (bench/load.py);
## LOAD_ARGS="--before REV" measures revision REV too, in alternating rounds on the same data
bench-load: install translations
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.load $(LOAD_ARGS)
## bench-soak: the soak (an hour, bench/load.py --soak) on a copy of HEAD in $(SOAK_COPY), so edits made meanwhile are not served; logs kept in bench/data/soak-*
SOAK_COPY ?= /tmp/aljisr-soak-$(shell git rev-parse --short HEAD)
bench-soak: install translations
	$(BIN)/pip install --quiet -e '.[bench]'
	rm -rf $(SOAK_COPY) && mkdir -p $(SOAK_COPY) && git archive HEAD | tar -x -C $(SOAK_COPY)
	$(BIN)/pybabel compile -d $(SOAK_COPY)/aljisr/translations >/dev/null
	commit=$$(git rev-parse --short HEAD) && cd $(SOAK_COPY) && BENCH_COMMIT=$$commit $(CURDIR)/$(BIN)/python -m bench.load --soak --results $(CURDIR)/bench/results.json --keep $(CURDIR)/bench/data/soak-$$(date -u +%Y%m%dT%H%M%S) $(SOAK_ARGS)
## bench-planner: the season planner alone (generated seasons 200×30, 1000×100, 3000×300); writes the "planner" key of bench/results.json
bench-planner: install
	$(BIN)/python -m bench.planner $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
