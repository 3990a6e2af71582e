# lingong: `make run` starts both services on SQLite with demo data; `make test` runs the suite.
PY        ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
PYTEST_N  ?= 2
TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL

.PHONY: run test test-postgres test-sqlite test-e2e fuzz lint bench soak install clean lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/lingong serve --demo --data-dir var

lint: $(STAMP)
	$(BIN)/ruff check services tests benchmarks migrations
	$(BIN)/ruff format --check services tests benchmarks
	$(BIN)/mypy services

test: $(STAMP) lint
	@if $(BIN)/python scripts/check_postgres.py; then \
		LINGONG_ONCE=1 $(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and PostgreSQL does not answer at $$TEST_DATABASE_URL: failing, not skipping."; exit 1; \
	else \
		echo "PostgreSQL does not answer at $$TEST_DATABASE_URL: running only what SQLite can run."; \
	fi
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory fuzz

# Under `make test` the PostgreSQL run leaves out the tests that touch no database (LINGONG_ONCE=1): the
# SQLite run that follows has them. `make test-postgres` on its own runs everything.
# `--dist worksteal`: a worker that runs out of tests takes half of what the other still has queued, so
# the run does not end with one worker alone on a long tail (tests/conftest.py puts slow modules first).
test-postgres: $(STAMP)
	TEST_BACKEND=postgres $(BIN)/pytest -n $(PYTEST_N) --dist worksteal -q --durations=15

test-sqlite: $(STAMP)
	TEST_BACKEND=sqlite $(BIN)/pytest -n $(PYTEST_N) --dist worksteal -q --durations=15

# The station console in real Chromium (Playwright; both services under uvicorn): every e2e test on
# SQLite files, then the counter walkthrough and the morning dispatch on PostgreSQL databases the run
# creates and drops (skipped, and said so, when PostgreSQL does not answer outside CI).
E2E_POSTGRES := tests/e2e/test_console.py tests/e2e/test_dispatch.py
test-e2e: $(STAMP)
	LINGONG_E2E=1 TEST_BACKEND=sqlite $(BIN)/pytest tests/e2e -p no:xdist -q
	@if $(BIN)/python scripts/check_postgres.py; then \
		LINGONG_E2E=1 TEST_BACKEND=postgres $(BIN)/pytest $(E2E_POSTGRES) -p no:xdist -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and PostgreSQL does not answer at $$TEST_DATABASE_URL: failing, not skipping."; exit 1; \
	else \
		echo "PostgreSQL does not answer at $$TEST_DATABASE_URL: the e2e run on PostgreSQL is skipped."; \
	fi

# Schemathesis against both services (real processes, every role, --checks all); the seed rotates per run
# and is printed: FUZZ_SEED=<seed> make fuzz replays it. docs/security.md.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --out bench-report.json

# A long, opt-in run, not part of `make test` (docs/load.md, "Soak"): `lingong serve --demo --workers 2`
# on PostgreSQL databases it makes and drops, 10 minutes at 150 requests/s; exits 1 when a check fails.
# SOAK_SECONDS, SOAK_RATE, SOAK_WARMUP_SECONDS, SOAK_BACKEND, SOAK_WORKERS, SOAK_OUT change it.
soak: $(STAMP)
	$(BIN)/python -m benchmarks.soak

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable --exclude lingong > constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
