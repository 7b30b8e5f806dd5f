# The two set-up commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OMP_NUM_THREADS := 1

.PHONY: demo test test-sqlite test-postgres test-browser screenshots axe install lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	DEBUG=1 $(BIN)/tremplin compilemessages
	@# Bytecode now, as a wheel install would: an app server that may not write it (read-only
	@# tree, PYTHONDONTWRITEBYTECODE) otherwise compiles every module at each start.
	$(BIN)/python -m compileall -q tremplin > /dev/null

demo: install
	DEBUG=1 $(BIN)/tremplin demo

# SQLite always; PostgreSQL too when DATABASE_URL points at one.
test: install axe
	DATABASE_URL= $(BIN)/pytest -n 2 --dist loadgroup
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-postgres: install
	$(BIN)/pytest -n 2 --dist loadgroup -m "not browser"

test-browser: install axe
	DATABASE_URL= $(BIN)/pytest -m browser

# Refresh the README's screenshots (docs/screenshots/); tests alone write to test-results/.
screenshots: install axe
	TREMPLIN_SCREENSHOTS=docs DATABASE_URL= $(BIN)/pytest -m browser -p no:randomly

# axe-core (npm) for the accessibility checks of the browser tests, into git-ignored node_modules/.
axe:
	@test -f node_modules/axe-core/axe.min.js || ! command -v npm >/dev/null \
	  || npm install --no-save --no-audit --no-fund --silent axe-core@4

lint: install
	$(BIN)/ruff check tremplin tests
	$(BIN)/ruff format --check tremplin tests
	$(BIN)/mypy tremplin

# Refresh the catalogs after changing user-facing text (needs GNU gettext).
messages: install
	$(BIN)/tremplin catalogs update

clean:
	rm -rf $(VENV) db.sqlite3* tasks.sqlite3* staticfiles
