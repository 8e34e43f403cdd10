# vanphong: the two commands of the README are `make demo` and `make test`.
#
#   make demo          install what is missing, then run the demo on http://127.0.0.1:8000
#   make test          lint, then the whole suite on SQLite; again on PostgreSQL if DATABASE_URL is set
#   make lint          ruff and mypy
#   make messages      refresh and compile the translations (needs gettext)
#   make vendor        refresh the vendored static files
#   make clean-demo    forget the demo database
#
# Variables: PYTEST_ARGS="-k inbox -x" adds pytest arguments (PYTEST_ARGS="-n 0" turns
# off the 2 parallel workers, "-n 4" uses 4); LINT=0 skips lint in `make test`.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

# `pip install --user uv` puts uv in ~/.local/bin, which a fresh login may not have on PATH.
export PATH := $(PATH):$(HOME)/.local/bin

UV ?= uv
LINT ?= 1
PYTEST_WORKERS ?= -n 2
PYTEST_ARGS ?=
RESULTS := var/test-results
PYTEST = $(UV) run pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)
# Prints how long a step took; the step is a `{ ...; }` group after it.
TIMED = TIMEFORMAT='==> $(1): %0Rs'; time

.PHONY: help demo test lint messages vendor clean-demo bootstrap

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	@bash scripts/system-packages.sh demo
	$(UV) run vanphong demo

test: bootstrap
	@bash scripts/system-packages.sh test
	@mkdir -p $(RESULTS) && rm -f $(RESULTS)/sqlite.xml $(RESULTS)/postgresql.xml
ifneq ($(LINT),0)
	@echo '==> lint: ruff and mypy'
	@$(call TIMED,lint) { $(UV) run ruff check . && $(UV) run mypy; }
else
	@echo '==> lint: skipped (LINT=0)'
endif
	@echo '==> pytest on SQLite'
	@$(call TIMED,pytest on SQLite) { env -u DATABASE_URL $(PYTEST) --junitxml=$(RESULTS)/sqlite.xml; }
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	    echo "==> pytest on PostgreSQL ($$(sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#' <<<"$$DATABASE_URL"))"; \
	    $(call TIMED,pytest on PostgreSQL) { $(PYTEST) --junitxml=$(RESULTS)/postgresql.xml; }; \
	else \
	    echo '==> pytest on PostgreSQL: skipped (DATABASE_URL is not set; see docs/ci.md)'; \
	fi

lint: bootstrap
	$(UV) run ruff check .
	$(UV) run mypy

messages: bootstrap
	$(UV) run vanphong makemessages -l vi -l en --ignore=.venv --ignore=var --ignore=node_modules
	$(UV) run vanphong compilemessages --ignore=.venv --ignore=var --ignore=node_modules

vendor:
	bash scripts/vendor-static.sh

clean-demo:
	rm -f var/vanphong.sqlite3*
