# The commands people type. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-$(shell md5sum < requirements.txt | cut -c1-8)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-8)
# pytest workers: one per core by default; `make test WORKERS=0` runs in one process.
WORKERS ?= auto

.PHONY: install install-dev run test test-fast test-browser lint format messages bench fuzz clean lock

# `make run` needs the runtime packages only; the test and lint targets add the development ones.
$(RUNTIME_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	rm -f $(VENV)/.runtime-*; touch $(RUNTIME_STAMP)

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.dev-*; touch $(DEV_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

# Migrate, build the lived-in demo (cases, statistics, the trained category learner, one sweep)
# and serve it. Running it again adds nothing to the database and serves at once.
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install-dev
	bash scripts/ensure-chromium
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

test-fast: install-dev
	$(PY) -m pytest -n $(WORKERS) -m "not browser and not slow" $(PYTEST_ARGS)

test-browser: install-dev
	bash scripts/ensure-chromium
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_private_imports.py
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install-dev
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Dashboard timings at the current data size (fill it first: manage.py generate_cases --count N),
# and routing timings with the whole country's regions: `make bench REGIONS=/path/to/regions`.
bench: install-dev
	DEBUG=1 $(PY) manage.py bench_dashboards
	$(if $(REGIONS),DEBUG=1 $(PY) manage.py bench_routing --regions $(REGIONS),echo "bench_routing skipped: give REGIONS=/path/to/regions (provinces.csv ... streets.csv)")

# schemathesis with every check, 50 examples per operation and the stateful phase, as the demo
# supervisor and handler, against a throwaway demo database (docs/api.md, "Fuzzing the API").
fuzz: install-dev
	bash scripts/schemathesis-run

clean:
	rm -rf var/hotline.sqlite3* var/static .pytest_cache

# requirements.lock: every package of requirements.txt and their dependencies, exact versions
# with hashes, for servers (pip install --require-hashes -r requirements.lock). Resolved for
# Python 3.11 on x86-64 Linux (Debian 12). Run after changing requirements.txt; `install` and
# `run` keep using requirements.txt.
lock: install
	$(PY) -m pip install -q uv==0.13.9
	$(VENV)/bin/uv pip compile requirements.txt --generate-hashes --quiet \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock
