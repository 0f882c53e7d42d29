# Every target sets itself up: a fresh clone needs only Python 3.11+ and make.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test check bundle lint format chromium clean schema

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)  ## Build the site into site/ (strict: any content problem fails the build)
	$(BIN)/mkdocs build --strict --site-dir site
	@echo "Klaar: open site/index.html of draai 'make serve'."

serve: $(STAMP)  ## Live preview on http://127.0.0.1:8000; content problems show as a banner on every page
	$(BIN)/mkdocs serve --no-strict --dirty --dev-addr 127.0.0.1:8000

check: $(STAMP)  ## Check all content: file:line, what is wrong, the fix
	$(BIN)/wijkengids check

schema: $(STAMP)  ## Regenerate schema/frontmatter.schema.json and the field list in CONTRIBUTING.md
	$(BIN)/wijkengids schema -o schema/frontmatter.schema.json
	$(BIN)/wijkengids velden

bundle: $(STAMP) chromium  ## Offline zip for werkateliers (file://, with PDF werkbladen)
	$(BIN)/wijkengids bundel

test: $(STAMP) chromium  ## Lint and run every test (browser tests use Debian's Chromium)
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/ruff format --check plugins tests scripts

format: $(STAMP)
	$(BIN)/ruff format plugins tests scripts
	$(BIN)/ruff check --fix plugins tests scripts

# Playwright's own browser download does not work offline; the tests drive Debian's Chromium.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Installeer Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

clean:
	rm -rf site .cache .pytest_cache .ruff_cache
