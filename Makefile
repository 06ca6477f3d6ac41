# MO-Portal: the targets people look for.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_COUNT ?= 300

.PHONY: run test lint format messages migrations-check setup bench bench-short screenshots mutation clean

## help: list the targets
help:
	@grep -E '^## [a-z-]+:' $(MAKEFILE_LIST) | sed -E 's/^## ([a-z-]+): /  \1\t/' | expand -t 20

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## setup: migrate and load vocabulary, demo data and the guide (idempotent)
setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_vocabulary
	$(BIN)/python manage.py load_gazetteer
	$(BIN)/python manage.py seed_demo --count $(DEMO_COUNT)
	$(BIN)/python manage.py load_guide
	$(BIN)/python manage.py seed_support
	$(BIN)/python manage.py export_open_data
	$(BIN)/python manage.py purge_unverified
	$(BIN)/python manage.py create_demo_accounts

## run: install, set up and start the portal and its background worker on the local SQLite default
run: setup
	@echo ""
	@echo "  MO-Portal runs at http://$(HOST):$(PORT)/ (background worker: manage.py run_worker)"
	@echo ""
	@export SITE_URL_DEFAULT="$${SITE_URL_DEFAULT:-http://$(HOST):$(PORT)}"; \
	$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Test tools from npm (axe-core, the Nu Html Checker); skipped where npm is missing
# (the browser and markup tests then say so, and fail in CI).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser and markup tests will be skipped"; fi

## test: lint, then the whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
test: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## lint: ruff (lint and format check) and mypy
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## format: let ruff fix and format the code
format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: extract the translatable strings into the English catalogue; compile it and the German overrides
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l en --ignore=node_modules
	$(BIN)/python manage.py compilemessages -l en -l de --ignore=.venv --ignore=node_modules

## migrations-check: fail when a model change has no migration
migrations-check: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

## bench: load test on PostgreSQL with gunicorn and wrk, 16,000 and 160,000 MOs (bench/results/)
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

## screenshots: the README's screens (7 pages, phone and desktop, German and English) into docs/screenshots/
screenshots: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/python -m pytest -p no:cacheprovider -q tests/browser/test_screenshots.py
	cp test-artifacts/screenshots/docs/*.png docs/screenshots/

## bench-short: the same with 2,000 and 20,000 MOs and 5 s per page type
bench-short: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py --short

## mutation: mutation testing of the rule modules with mutmut, afresh in mutants/ (pyproject.toml)
# MUTANTS='finder.ranking.*' checks only the mutants of one module (or function, or one mutant).
MUTANTS ?=
mutation: $(VENV)/.installed-dev
	rm -rf mutants
	$(BIN)/mutmut run $(MUTANTS)
	@echo ""
	@echo "Mutants not killed (mutmut show NAME shows one):"
	@$(BIN)/mutmut results | grep -v ": not checked$$" || true
	@echo ""
	@$(BIN)/python tests/mutation_summary.py

## clean: remove the virtual environment and caches
clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache mutants test-databases
