# Jobtrail. `make run` starts everything on loopback; `make test` runs the whole suite.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
DATA_DIR ?= .data
CHAOS_KILLS ?= 50

.PHONY: run test test-fast lint format bench bench-peers eval docs migration install chaos

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --locked --all-groups
	$(UV) run --locked python -c "from jobtrail.stack.pgvector import main; main()"

run: install
	$(UV) run --locked jobtrail dev --data-dir $(DATA_DIR)

test: install
	$(UV) run --locked pytest -q --durations=15

test-fast: install
	$(UV) run --locked pytest -q -m "not integration"

lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(UV) run --locked mypy
	$(UV) run --locked lint-imports

format: install
	$(UV) run --locked ruff check --fix .
	$(UV) run --locked ruff format .

bench: install bench-peers
	$(UV) run --locked python -m benchmarks

# The Celery peer needs a Redis server (Debian's package); a peer that cannot run is a
# failure, so install it when we may, else stop and say how.
bench-peers:
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q redis-server >/dev/null || \
	      { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }; \
	  else echo "make bench: the Celery peer needs redis-server (apt-get install redis-server)"; exit 1; fi; }

# Quality: parsing and matching against labelled data beside baselines; Markdown in .eval/report.md.
eval: install
	$(UV) run --locked python -m evaluation

docs: install
	$(UV) run --locked python -m jobtrail.cli.docs docs

# The next migration of a service, generated from its tables against the dev database
# (`make run` must be running): make migration SERVICE=jobs MESSAGE="postings shortlist"
migration: install
	$(UV) run --locked jobtrail db revision $(SERVICE) "$(MESSAGE)"

# The long fault run: CHAOS_KILLS (default 50) kill -9 of every service and server, with
# repeated PostgreSQL and NATS outages; prints faults injected, work accepted, completed,
# lost and duplicated. A short try: make chaos CHAOS_KILLS=3
chaos: install
	CHAOS_KILLS=$(CHAOS_KILLS) $(UV) run --locked python -m tests.chaos
