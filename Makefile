# The two commands a contributor needs: `make serve` and `make test`.
# Both create (or update) .venv from pyproject.toml first, so they work on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ADDR   ?= 127.0.0.1:8000

# A target's prerequisites are made side by side: on a fresh machine `make test` installs the
# virtual environment, Chromium and Lighthouse at once (each waits on the network or the disk).
MAKEFLAGS += --jobs=3

CHROMIUM ?= /usr/bin/chromium
LIGHTHOUSE_CLI := benchmarks/node_modules/lighthouse/cli/index.js

.PHONY: install chromium serve build preview zensical test test-fast lint lighthouse pair bench clear-cache clean

install: $(STAMP)

# Reinstall when the dependencies change; `pip install torch==2.13.0` takes the CPU wheel.
$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used):
# install it when it is missing, as root or through sudo, or say in one line what to run.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	  elif sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else echo "make test: $(CHROMIUM) is missing; run: sudo apt-get update && sudo apt-get install -y chromium" >&2; exit 1; fi; \
	  echo "make test: installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

serve: install          ## live site on http://127.0.0.1:8000, re-runs only changed snippets
	$(VENV)/bin/mkdocs serve --dev-addr $(ADDR)

build: install          ## the site into site/, strictly
	$(VENV)/bin/mkdocs build --strict

preview: install        ## fast build without running anything (pairs say so)
	SNIPPETS_EXECUTE=0 $(VENV)/bin/mkdocs build --strict

zensical: install       ## the same site built by Zensical (no plugins: notebooks and api-map.json written after)
	$(VENV)/bin/zensical build --strict -f mkdocs.yml
	$(PY) -m sidebyside notebooks site/notebooks
	$(PY) -m sidebyside api-map-json site

test: install chromium $(LIGHTHOUSE_CLI) lint  ## lint, then the whole test suite (snippets, engine, site, browser, Lighthouse, workflows)
	$(PY) -m pytest

lint: install           ## ruff (lint and format) and mypy over src/, tests/ and benchmarks/; size limits of src/
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(PY) tests/shape.py src/sidebyside

test-fast: install      ## everything but the browser tests
	$(PY) -m pytest -m "not browser and not timing"

# Lighthouse 12.2.3 from benchmarks/package-lock.json (13 needs Node 22); reinstalled when the lockfile changes.
$(LIGHTHOUSE_CLI): benchmarks/package-lock.json
	cd benchmarks && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The benchmark (not run by CI: performance is a timing): every page, targets performance 95 and
# the rest 100; a page under one is measured four more times and keeps its median run.
# `make test` gates the untimed categories on one page of each kind (tests/test_lighthouse.py).
lighthouse: install chromium $(LIGHTHOUSE_CLI)  ## Lighthouse on every page: the scores against their targets
	$(PY) benchmarks/lighthouse.py

pair: install           ## run one pair alone: make pair PAIR=home/hello
	$(PY) -m sidebyside run $(PAIR)

bench: install          ## build benchmark: cold, warm, preview floor, separate processes
	$(PY) benchmarks/build.py

clear-cache: install
	$(PY) -m sidebyside clear-cache

clean:
	rm -rf site .cache
