# Tongxin (同心) developer commands. The README's two commands are `make demo` and `make test`.
# Everything installs into .venv; nothing touches the system Python.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.tongxin-installed
PYTEST_ARGS ?= -q -ra

.PHONY: help venv demo run migrate test test-sqlite test-pg test-browser chromium lint fmt clean

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
	@rc=0; TONGXIN_TEST_PG= $(BIN)/python -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests ($(1))" >&2; fi; \
	if [ $$rc -ne 0 ]; then echo "ERROR: tests failed on $(1) (pytest exit $$rc)" >&2; exit $$rc; fi
endef

test-sqlite: venv  ## The whole suite on SQLite (with the browser tests: Chromium is ensured first)
	@echo "==> Chromium for the browser tests (scripts/ensure-chromium.sh)"
	@scripts/ensure-chromium.sh >/dev/null
	@echo "==> pytest on SQLite"
	$(call run_pytest,SQLite)

chromium:  ## Install Debian's Chromium and fonts for the browser tests (when missing)
	@scripts/ensure-chromium.sh

test-browser: venv  ## Only the web chat's browser tests (headless Chromium); screenshots in test-artifacts/
	@scripts/ensure-chromium.sh >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests/browser

test-pg: venv  ## The whole suite on PostgreSQL (found or started by scripts/ensure-postgres.sh)
	@echo "==> pytest on PostgreSQL"
	@admin_url="$$(scripts/ensure-postgres.sh)"; \
	rc=0; TONGXIN_TEST_PG=1 TONGXIN_TEST_PG_ADMIN="$$admin_url" \
	  $(BIN)/python -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests (PostgreSQL)" >&2; fi; \
	if [ $$rc -ne 0 ]; then echo "ERROR: tests failed on PostgreSQL (pytest exit $$rc)" >&2; exit $$rc; fi

# Runs every stage even when an earlier one fails (so one run shows everything), times each,
# and fails at the end if any stage failed.
TEST_STAGES := lint test-sqlite test-pg

test: venv  ## Everything: format, lint, types, tests on SQLite, then on PostgreSQL
	@failed=""; \
	for stage in $(TEST_STAGES); do \
	  t0=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$stage; then status=ok; else status=FAILED; failed="$$failed $$stage"; fi; \
	  echo "==> $$stage: $$status in $$(( $$(date +%s) - t0 ))s"; \
	done; \
	if [ -n "$$failed" ]; then echo "==> make test FAILED:$$failed" >&2; exit 1; fi; \
	echo "==> make test: all stages passed"

clean:  ## Remove the venv, caches and compiled catalogues (keeps var/ data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info test-artifacts
	find . -path ./var -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find locales -name '*.mo' -delete
