# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/marathon
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Parallel workers for the non-browser tests (pytest-xdist): the number of CPUs, at most 4 (each
# worker takes a PostgreSQL database test_<name>_gwN and a Redis database counting down from
# TEST_REDIS_URL's). 0 runs them in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test install assets messages lint bench bench-allocation check-deploy compose-check clean screenshots

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; else echo "npm is required: apt-get install npm"; exit 1; fi; }
	npm ci --no-audit --no-fund --silent
	@touch $@

assets: node_modules/.installed

messages: $(VENV)/.installed
	@for dir in locale */locale; do \
	  if [ -d "$$dir" ]; then $(PY) -m babel.messages.frontend compile -d "$$dir" -D django --statistics 2>&1 | grep -v '^compiling'; fi; \
	done

install: $(VENV)/.installed assets messages

run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Project Marathon portal: http://127.0.0.1:8000"
	@echo "  API docs: http://127.0.0.1:8000/api/docs/   health: http://127.0.0.1:8000/healthz"
	@echo "  Demo accounts (password: marathon-demo):"
	@echo "    office@marathon.example (programme office, staff)   chair@marathon.example (commission chair)"
	@echo "    expert@marathon.example (commission member)         professor@marathon.example (professor)"
	@echo "    student@marathon.example (bachelor student)         coordinator@marathon.example (mobility coordinator)"
	@echo ""
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is set: starting a Celery worker and beat."; \
	  DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A marathon worker --loglevel=INFO --concurrency=2 & \
	  DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A marathon beat --loglevel=INFO --schedule var/celerybeat-schedule & \
	  trap 'kill 0' INT TERM EXIT; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000; \
	else \
	  echo "REDIS_URL is not set: tasks run eagerly in the web process (no worker needed)."; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000; \
	fi

test: install
	bash scripts/ensure-services.sh
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} TEST_REDIS_URL=$(TEST_REDIS_URL) DEBUG=0 SECRET_KEY=collectstatic-only \
	  $(PY) manage.py collectstatic --noinput -v0
	@# 1) everything but the browser tests, in parallel; 2) the browser tests, in one process.
	@# Exit status 5 (no test selected, e.g. PYTEST_ARGS names only browser tests) is no failure.
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  $(VENV)/bin/pytest -m "not e2e" -n $(TEST_WORKERS) $(PYTEST_ARGS) || [ $$? -eq 5 ]
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  $(VENV)/bin/pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=marathon.example \
	  CERTIFICATE_SIGNING_KEY=$$(head -c 32 /dev/urandom | base64) \
	  SITE_URL=https://marathon.example $(PY) manage.py check --deploy --fail-level WARNING

compose-check: $(VENV)/.installed
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

bench: install
	bash bench/run.sh

# The allocation benchmark alone (issue 14): a fresh database named BENCH_ALLOCATION_DB_URL (its name must
# contain "bench"; it is dropped), BENCH_ALLOCATION_STUDENTS × BENCH_ALLOCATION_PROJECTS × 5 choices,
# solved, reviewed and committed; results in bench/runs/allocation-<students>.json. `make bench` runs it
# at the end (BENCH_ALLOCATION=0 skips it).
BENCH_ALLOCATION_DB_URL ?= postgres://postgres@127.0.0.1:5432/marathon_allocation_bench
BENCH_ALLOCATION_STUDENTS ?= 10000
BENCH_ALLOCATION_PROJECTS ?= 1600
bench-allocation: install
	bash scripts/ensure-services.sh >/dev/null
	DATABASE_URL=$(BENCH_ALLOCATION_DB_URL) $(PY) -m bench.allocation \
	  --students $(BENCH_ALLOCATION_STUDENTS) --projects $(BENCH_ALLOCATION_PROJECTS)

# docs/screenshots/: every role's key pages at 1280 and 390 px, from a scratch database seeded with the demo.
screenshots: install
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules staticfiles var
