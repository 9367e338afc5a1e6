# Ratsbuch — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The commands below are for development and tests: a throwaway secret key is fine there.
# Production runs manage.py and gunicorn itself, with DJANGO_SECRET_KEY set (see README).
DEV := DJANGO_DEBUG=1
# Debian packages: WeasyPrint's fast font subsetting for everyone; a browser and PDF tools for the tests.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
TEST_DEBS := $(RUN_DEBS) chromium chromium-driver poppler-utils

.PHONY: run test lint format bench bench-scale messages system-deps test-system-deps install install-test clean

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_demo
	@echo
	@echo "Ratsbuch runs on http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@echo "Demo logins, all with the password ratsbuch-demo:"
	@echo "  clerk   Sachbearbeitung, Bereich 5-11     head    Bereichsleiterin 5-11"
	@echo "  office  Ratsbüro (Sitzungsdienst)         member  Ratsmitglied"
	@echo "  admin   Administrator"
	@echo "office and admin then ask for a code (second factor): run '$(BIN)/python manage.py demo_otp'"
	@echo "  in another terminal, or add the secret KJQXI43COVRWQRDFNVXVI33UOBFWK6JB to an authenticator app."
	@echo "Mail is not sent but kept in outbox/; the office reads it at http://127.0.0.1:$(PORT)/postausgang/"
	@echo
	@# The task worker runs next to the web server; Ctrl+C reaches both, and the trap stops the
	@# worker whichever way the server ends.
	@$(DEV) $(BIN)/python manage.py db_worker --interval 1 --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(BIN)/python -m tests.bench

# A big city's data set (manage.py load_scale) on a throwaway database: 100k Vorlagen when
# DATABASE_URL names PostgreSQL, 10k on SQLite. BENCH_ARGS="--papers N" changes the size.
bench-scale: install-test
	$(BIN)/python -m tests.bench_scale $(BENCH_ARGS)

# Install the Debian packages that are missing (as root, or through sudo).
system-deps:
	@bash .ci/debs $(RUN_DEBS)

test-system-deps:
	@bash .ci/debs $(TEST_DEBS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[test]"
	touch $@

install: system-deps $(VENV)/.installed messages

install-test: test-system-deps $(VENV)/.installed messages

# Compiled only when the catalogue changed: two test runs side by side (CI) must not
# rewrite the .mo file under each other.
CATALOGUE := locale/de/LC_MESSAGES/django
messages: $(CATALOGUE).mo

$(CATALOGUE).mo: $(CATALOGUE).po $(VENV)/.installed
	@$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

clean:
	rm -rf $(VENV) staticfiles ratsbuch.sqlite3 media outbox .pytest_cache
