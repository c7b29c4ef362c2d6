# The two commands a contributor needs: `make serve` and `make test`.
# Both create (or update) .venv from pyproject.toml first, so they work on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ADDR   ?= 127.0.0.1:8000

.PHONY: install serve build preview test test-fast pair bench clear-cache clean

install: $(STAMP)

# Reinstall when the dependencies change; `pip install torch==2.13.0` takes the CPU wheel.
$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

serve: install          ## live site on http://127.0.0.1:8000, re-runs only changed snippets
	$(VENV)/bin/mkdocs serve --dev-addr $(ADDR)

build: install          ## the site into site/, strictly
	$(VENV)/bin/mkdocs build --strict

preview: install        ## fast build without running anything (pairs say so)
	SNIPPETS_EXECUTE=0 $(VENV)/bin/mkdocs build --strict

test: install           ## the whole test suite (snippets, engine, site, browser, workflows)
	$(PY) -m pytest

test-fast: install      ## everything but the browser tests
	$(PY) -m pytest -m "not browser"

pair: install           ## run one pair alone: make pair PAIR=home/hello
	$(PY) -m sidebyside run $(PAIR)

bench: install          ## build benchmark: cold, warm, preview floor, separate processes
	$(PY) benchmarks/build.py

clear-cache: install
	$(PY) -m sidebyside clear-cache

clean:
	rm -rf site .cache
