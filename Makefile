# The two set-up commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OMP_NUM_THREADS := 1

.PHONY: demo test test-sqlite test-postgres test-browser install lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	DEBUG=1 $(BIN)/tremplin compilemessages

demo: install
	DEBUG=1 $(BIN)/tremplin demo

# SQLite always; PostgreSQL too when DATABASE_URL points at one.
test: install
	DATABASE_URL= $(BIN)/pytest -n 2 --dist loadgroup
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-postgres: install
	$(BIN)/pytest -n 2 --dist loadgroup -m "not browser"

test-browser: install
	DATABASE_URL= $(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check tremplin tests
	$(BIN)/ruff format --check tremplin tests
	$(BIN)/mypy tremplin

# Refresh the catalogs after changing user-facing text (needs GNU gettext).
messages: install
	$(BIN)/tremplin catalogs update

clean:
	rm -rf $(VENV) db.sqlite3* tasks.sqlite3* staticfiles
