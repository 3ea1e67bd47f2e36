# Tongxin (同心) developer commands. The README's two commands are `make demo` and `make test`.
# Everything installs into .venv; nothing touches the system Python.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.tongxin-installed
PYTEST_ARGS ?= -q -ra --durations=15
# The instant every test starts at, ISO 8601 with an offset (tests/conftest.py pins the clock):
#   make test TEST_NOW=2026-12-05T23:30+08:00
# Empty: the real time when the pass starts. TEST_NOW_SQLITE / TEST_NOW_PG choose per pass.
TEST_NOW ?= $(TONGXIN_TEST_NOW)
TEST_NOW_SQLITE ?= $(TEST_NOW)
TEST_NOW_PG ?= $(TEST_NOW)
# pytest-xdist workers per pass (default: one per core).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
XDIST := -n $(TEST_WORKERS)

.PHONY: help venv demo run migrate test test-sqlite test-pg test-browser chromium catalogues lint fmt clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: $(STAMP)  ## Create .venv and install the project with its dev tools (only when needed)

# Re-installs when pyproject.toml changes. If the interpreter lacks ensurepip (Debian without
# python3-venv), the venv is created without pip and pip is installed into it by the system pip.
$(STAMP): pyproject.toml
	@echo "==> installing tongxin[dev] into $(VENV) (Python: $(PYTHON))"
	@"$(PYTHON)" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	@if [ ! -x "$(BIN)/pip" ]; then \
	  rm -rf "$(VENV)"; \
	  "$(PYTHON)" -m venv "$(VENV)" 2>/dev/null || { \
	    rm -rf "$(VENV)"; \
	    "$(PYTHON)" -m venv --without-pip "$(VENV)"; \
	    "$(PYTHON)" -m pip --python "$(BIN)/python" install --quiet pip; \
	  }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: venv  ## Run the bot locally against the built-in Telegram sandbox, with a web chat (embedded SQLite)
	$(BIN)/tongxin demo

run: venv  ## Run the bot for real (needs TONGXIN_BOT_TOKEN; see .env.example)
	$(BIN)/tongxin run

migrate: venv  ## Bring the database in TONGXIN_DATABASE_URL to the newest schema
	$(BIN)/tongxin migrate

lint: venv  ## ruff format check, ruff lint, mypy, import contracts (all run; fails if any failed)
	@rc=0; \
	echo "==> ruff format --check"; $(BIN)/ruff format --check . || rc=1; \
	echo "==> ruff check"; $(BIN)/ruff check . || rc=1; \
	echo "==> mypy"; $(BIN)/mypy || rc=1; \
	echo "==> lint-imports (architecture contracts in pyproject.toml)"; $(BIN)/lint-imports --no-cache || rc=1; \
	exit $$rc

fmt: venv  ## Format and auto-fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest exits 5 when it collected nothing: treat that as a failure with a clear message.
define run_pytest
	@rc=0; TONGXIN_TEST_PG= TONGXIN_TEST_NOW="$(TEST_NOW_SQLITE)" \
	  $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests ($(1))" >&2; fi; \
	if [ $$rc -ne 0 ]; then echo "ERROR: tests failed on $(1) (pytest exit $$rc)" >&2; exit $$rc; fi
endef

# Compiled catalogues (.mo) are written next to the .po files on first use: do it once here,
# not in several test processes at the same time.
catalogues: venv
	@$(BIN)/python -c 'from bot.i18n import load_catalogues; load_catalogues()'

test-sqlite: venv catalogues  ## The whole suite on SQLite (with the browser tests: Chromium is ensured first)
	@echo "==> Chromium for the browser tests (scripts/ensure-chromium.sh)"
	@scripts/ensure-chromium.sh >/dev/null
	@echo "==> the CJK font for the /stats charts (scripts/ensure-cjk-font.sh)"
	@scripts/ensure-cjk-font.sh >/dev/null
	@echo "==> pytest on SQLite$(if $(TEST_NOW_SQLITE), at $(TEST_NOW_SQLITE))"
	$(call run_pytest,SQLite)

chromium:  ## Install Debian's Chromium and fonts for the browser tests (when missing)
	@scripts/ensure-chromium.sh

test-browser: venv  ## Only the web chat's browser tests (headless Chromium); screenshots in test-artifacts/
	@scripts/ensure-chromium.sh >/dev/null
	TONGXIN_TEST_NOW="$(TEST_NOW_SQLITE)" $(BIN)/python -m pytest $(PYTEST_ARGS) tests/browser

test-pg: venv catalogues  ## Every test that opens a database, on PostgreSQL (found or started by scripts/ensure-postgres.sh)
	@scripts/ensure-cjk-font.sh >/dev/null
	@echo "==> pytest on PostgreSQL$(if $(TEST_NOW_PG), at $(TEST_NOW_PG))"
	@admin_url="$$(scripts/ensure-postgres.sh)"; \
	rc=0; TONGXIN_TEST_PG=1 TONGXIN_TEST_PG_ADMIN="$$admin_url" TONGXIN_TEST_NOW="$(TEST_NOW_PG)" \
	  $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests (PostgreSQL)" >&2; fi; \
	if [ $$rc -ne 0 ]; then echo "ERROR: tests failed on PostgreSQL (pytest exit $$rc)" >&2; exit $$rc; fi

# Runs every stage even when an earlier one fails (so one run shows everything), times each,
# and fails at the end if any stage failed. The two pytest passes run at the same time, each
# into its own log under test-artifacts/logs/, printed in turn when both are done: on two cores
# that beats one after the other (200-217 s against 236-244 s for make test), as the tests
# often wait (subprocesses, the PostgreSQL server, timers). TEST_PASSES=serial: one after the
# other, output as it comes.
TEST_STAGES := lint test-sqlite test-pg
TEST_PASSES ?= parallel
LOGS := test-artifacts/logs

test: venv  ## Everything: format, lint, types, then the tests on SQLite and on PostgreSQL at once
	@failed=""; started=$$(date +%s); \
	run_stage() { \
	  local t0=$$(date +%s) status=ok; \
	  $(MAKE) --no-print-directory "$$1" || status=FAILED; \
	  echo "==> $$1: $$status in $$(( $$(date +%s) - t0 ))s"; \
	  [ "$$status" = ok ]; \
	}; \
	if [ "$(TEST_PASSES)" = parallel ]; then \
	  run_stage lint || failed="$$failed lint"; \
	  $(MAKE) --no-print-directory catalogues; \
	  mkdir -p $(LOGS); \
	  for stage in test-sqlite test-pg; do \
	    ( run_stage $$stage >$(LOGS)/$$stage.log 2>&1 ) & \
	    eval "pid_$${stage/-/_}=$$!"; \
	  done; \
	  echo "==> test-sqlite and test-pg running at the same time (logs in $(LOGS)/)"; \
	  for stage in test-sqlite test-pg; do \
	    pid_var="pid_$${stage/-/_}"; rc=0; wait "$${!pid_var}" || rc=$$?; \
	    echo "==> ---------------- $$stage ($(LOGS)/$$stage.log) ----------------"; \
	    cat $(LOGS)/$$stage.log; \
	    if [ $$rc -ne 0 ]; then failed="$$failed $$stage"; fi; \
	  done; \
	else \
	  for stage in $(TEST_STAGES); do run_stage $$stage || failed="$$failed $$stage"; done; \
	fi; \
	echo "==> make test took $$(( $$(date +%s) - started ))s"; \
	if [ -n "$$failed" ]; then echo "==> make test FAILED:$$failed" >&2; exit 1; fi; \
	echo "==> make test: all stages passed"

clean:  ## Remove the venv, caches and compiled catalogues (keeps var/ data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info test-artifacts
	find . -path ./var -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find locales -name '*.mo' -delete
