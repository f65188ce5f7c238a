# Everyday commands. `make run` and `make test` are the public contract (README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format typecheck check install migrate demo messages clean

# `make run` says what it is doing, one line per step, and leaves the details in var/*.log.
$(BIN)/python:
	@echo "[1/5] Creating the virtual environment in $(VENV) ($$($(PYTHON) --version))"
	@$(PYTHON) -m venv $(VENV)

# Installs exactly what the lock file pins (hashes checked); reruns when it changes.
$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	@mkdir -p var
	@echo "[2/5] Installing the locked dependencies (log: var/pip.log)"
	@set -o pipefail; $(BIN)/python -m pip install --require-hashes --no-deps -r requirements-dev.txt 2>&1 \
		| tee var/pip.log | awk '/^Collecting/ { n++; printf "\r      %d packages fetched", n; fflush() } \
		END { if (n) printf "\r      %d packages fetched, installing\n", n }' \
		|| { cat var/pip.log; exit 1; }
	@touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	@echo "[3/5] Migrating the database (log: var/migrate.log)"
	@$(BIN)/python manage.py migrate --noinput > var/migrate.log 2>&1 || { cat var/migrate.log; exit 1; }

demo: migrate
	@echo "[4/5] Loading the demo data: logins, showcase complaints, six months of history"
	@set -o pipefail; $(BIN)/python manage.py demo_data --no-logins | sed 's/^/      /'
	@set -o pipefail; $(BIN)/python manage.py improvement_demo | sed 's/^/      /'

# Links in the notices point at this server; notices are written to var/outbox/
# (EMAIL_BACKEND / SMS_BACKEND still choose another transport); the periodic jobs
# run in-process; the demo logins come last.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: export NOTIFICATIONS_DEV_OUTBOX_DIR ?= $(CURDIR)/var/outbox
run: demo
	@echo "[5/5] Serving on http://127.0.0.1:$(PORT)/  (form: /submit/, tracking: /track/, staff: /admin/, SLA: /dashboard/)"
	@$(BIN)/python manage.py run_dev 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy .

check: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run

# Turkish is the source of truth for customers; English strings are the msgids.
messages: install
	$(BIN)/python manage.py makemessages -l tr --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages -l tr --ignore=.venv

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
