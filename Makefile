# Partnerskap: `make run` sets up and serves the app; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4
PORT ?= 3000
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := 0
LOCALES := partnerskap/i18n/locales

.PHONY: run setup test test-fast messages catalogues clean

run: setup ## Set up everything, then serve the app in production mode on http://localhost:$(PORT)
	$(BIN)/python -m partnerskap.cli prepare
	$(BIN)/reflex run --env prod --single-port --backend-port $(PORT)

setup: $(VENV)/.installed $(TOOLS)/.installed catalogues

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(TOOLS)/.installed:
	mkdir -p $(TOOLS)
	cd $(TOOLS) && npm install --silent --no-audit --no-fund bun@$(BUN_VERSION)
	touch $@

catalogues: $(VENV)/.installed ## Compile the .po catalogues into .mo files
	$(BIN)/pybabel compile -D messages -d $(LOCALES)

messages: $(VENV)/.installed ## Extract UI strings and update the catalogues
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project Partnerskap -o partnerskap/i18n/messages.pot partnerskap
	$(BIN)/pybabel update -D messages -i partnerskap/i18n/messages.pot -d $(LOCALES) --no-fuzzy-matching --ignore-obsolete

test: setup ## Every test: the suite on SQLite, on PostgreSQL, then the real-browser journeys
	bash scripts/test-setup.sh
	trap 'bash scripts/test-teardown.sh' EXIT; bash scripts/run-tests.sh $(PYTEST_ARGS)

test-fast: setup ## Tests without the browser journeys
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

clean:
	rm -rf .web $(VENV) $(TOOLS) data
