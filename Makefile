# Everything bootstraps from a bare python3, so `make run` / `make test` work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help run test lint bench bench-pg pg-stop tools lock

help:
	@echo "make run [ARGS=...]    start the app (creates .venv on first use)"
	@echo "make test [ARGS=...]   pytest against SQLite and a private PostgreSQL (ARGS replace 'tests')"
	@echo "make lint              ruff + import-linter layer contracts"
	@echo "make bench [ARGS=...]  python -m bench"
	@echo "make bench-pg [ARGS=...]  a street's district on the test PostgreSQL (ARGS=--full: 1M persons)"
	@echo "make pg-stop           stop the test PostgreSQL server"
	@echo "make tools             install poppler-utils and a CJK font (printing tests; Debian)"
	@echo "make lock              re-resolve the newest versions into constraints.txt (then run make test)"

# Target is bin/pip, not bin/python: without Debian's python3-venv, venv fails halfway and
# leaves a pip-less .venv that must not count as done.
$(BIN)/pip:
	$(PYTHON) -m venv $(VENV) || { \
		echo "venv failed; installing python3-venv (Debian ships ensurepip separately)" >&2; \
		rm -rf $(VENV); \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv </dev/null; \
		$(PYTHON) -m venv $(VENV); }

# Stamps: reinstall only when the dependency list or the pins change; the editable install picks
# up code. Every install goes through constraints.txt: a station installed next year runs the
# versions the tests passed with, not whatever is newest that day.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/pip
	$(BIN)/python -m pip install -c constraints.txt -e .
	touch $@

# The dev install includes the runtime one, so it refreshes both stamps.
$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/pip
	$(BIN)/python -m pip install -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.installed

# A deliberate update: resolve the newest versions in a scratch venv and write them as the pins.
# Commit constraints.txt only after `make test` (and `make bench`) pass with it.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q -e '.[dev]'
	{ echo "# Every package at the version the whole test suite last passed with (\`make lock\` rewrites it)."; \
	  echo "# Both README commands install through it; see README \"Updating the pinned versions\"."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-lock
	@echo "constraints.txt rewritten: run make test, then commit it"

run: $(VENV)/.installed
	$(BIN)/station run $(ARGS)

# The printing tests read PDFs back with poppler (pdftotext, pdffonts, pdftoppm) and embed a CJK
# TrueType font found by station's own discovery; Debian ships both as packages.
tools: $(VENV)/.installed-dev
	@if ! command -v pdftotext >/dev/null || ! command -v tmux >/dev/null || \
		! $(BIN)/python -c 'from station.printing.fonts import find_cjk_font; raise SystemExit(find_cjk_font() is None)'; then \
		echo "installing poppler-utils, fonts-wqy-microhei and tmux (PDF checks, Chinese font, TUI smoke test)" >&2; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils fonts-wqy-microhei tmux </dev/null; \
	fi

# The URL is captured before export so a failing script stops make (export would mask it).
# STATION_REQUIRE_PG turns "PostgreSQL not configured" from a skip into a failure.
test: $(VENV)/.installed-dev tools
	url=$$(scripts/test-postgres.sh | tail -1); \
	test -n "$$url"; \
	export STATION_TEST_PG_URL="$$url" STATION_REQUIRE_PG=1; \
	echo "STATION_TEST_PG_URL=$$url"; \
	$(BIN)/python -m pytest -n 2 $(or $(ARGS),tests)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy station models screens reports bench cli.py cli_audit.py cli_check.py cli_context.py cli_data.py cli_import.py cli_keys.py cli_reports.py cli_retention.py

bench: $(VENV)/.installed
	@test -f bench/__main__.py || { echo "bench/__main__.py is missing: nothing to run" >&2; exit 1; }
	$(BIN)/python -m bench $(ARGS)

bench-pg: $(VENV)/.installed
	$(BIN)/python -m bench.pg_bench $(ARGS)

pg-stop:
	scripts/test-postgres.sh stop
