# Tandem: `make run` starts the whole product, `make test` runs every check. Both install first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
# DEMO=0 starts an empty platform (no demo network): see "How a real network starts" in the README.
DEMO ?= 1
UV_VERSION := 0.13.9
# The first Python 3.12+ on PATH (pyenv shims resolve through .python-version).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	$$p -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null && break; done)
UV := .tools/bin/uv
MANAGE := .venv/bin/python manage.py
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
# Compiled modules are kept (in var/pycache, outside the source tree) even where the environment
# says PYTHONDONTWRITEBYTECODE: without them every Python process the suite starts (test workers,
# makemessages, the production and command-line checks) compiles Django, NumPy and SciPy from
# source again, about 3 s of CPU each on an idle machine (17 s against 5 s at load 12).
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/var/pycache

.PHONY: help install run test test-sqlite test-postgres lint translations messages system-packages

help:
	@echo "make run      install, prepare the demo database and start web server + worker on PORT=$(PORT)"
	@echo "make test     install, then run lint, migration and translation checks and the whole suite"
	@echo "              on SQLite and on a throwaway PostgreSQL, browser tests included"
	@echo "make install  install the pinned dependencies into .venv"

$(UV):
	@test -n "$(PYTHON)" || { echo "Tandem needs Python 3.12 or newer on PATH." >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --quiet
	$(MANAGE) compile_translations

run: export TANDEM_DEBUG := 1
run: export TANDEM_MFA_REQUIRED := 0
run: export TANDEM_PORT := $(PORT)
run: export TANDEM_DEMO := $(DEMO)
run: export TANDEM_SITE_URL := http://localhost:$(PORT)
run: install
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) createcachetable
	$(MANAGE) load_reference
	@$(MANAGE) seed_demo > var/banner.txt
	@.venv/bin/python scripts/run.py --port $(PORT) --banner var/banner.txt

system-packages:
	bash scripts/system-packages.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	TANDEM_DEBUG=1 .venv/bin/mypy

test: export TANDEM_DEBUG := 1
test: install system-packages lint
	$(MANAGE) makemigrations --check --dry-run
	bash scripts/test-all.sh

test-sqlite: install
	TANDEM_DEBUG=1 .venv/bin/pytest

test-postgres: install
	TANDEM_DEBUG=1 bash scripts/test-all.sh postgres

# Update the catalogues after changing strings (needs GNU gettext), then translate the French.
messages:
	bash scripts/makemessages.sh
