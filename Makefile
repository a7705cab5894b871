# The project's interface: make serve | build | test. Each target does its own
# set-up on a fresh machine (virtual environment, pinned packages, Chromium).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build generate check test test-fast lint clean audit

serve: $(VENV)/.site ## Generate the pages, then preview at http://127.0.0.1:8000
	$(BIN)/explainer generate
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site ## Generate the pages, then build the static site into site/
	$(BIN)/explainer generate
	$(BIN)/mkdocs build --strict --site-dir site

generate: $(VENV)/.site ## Only regenerate docs/ from sources/ and config/
	$(BIN)/explainer generate

check: $(VENV)/.site ## Fail if docs/ is out of date with sources/ and config/
	$(BIN)/explainer check

test: $(VENV)/.dev $(CHROMIUM) node_modules/.installed ## Every test: unit, CLI, strict build, browser
	$(BIN)/explainer check
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/mypy
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: $(VENV)/.dev ## Unit and CLI tests only (no browser)
	$(BIN)/python -m pytest -m "not browser" -n 2

audit: build $(CHROMIUM) node_modules/.installed ## Lighthouse (mobile) on home + a topic page -> test-artifacts/lighthouse/
	CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/audit.py --site site --out test-artifacts/lighthouse

lint: $(VENV)/.dev ## Format and lint the Python code
	$(BIN)/ruff format scripts tests
	$(BIN)/ruff check --fix scripts tests

# Set-up --------------------------------------------------------------------

$(VENV)/.site: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.site requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download one here).
$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

# Pinned npm tools that check the site: vnu-jar (HTML checker, needs Java) and
# Lighthouse (make audit).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	command -v java >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless; }
	touch $@

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
