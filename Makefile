# Everyday commands. `make run` and `make test` are the public contract (README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format typecheck check install migrate demo messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly what the lock file pins (hashes checked); reruns when it changes.
$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	@mkdir -p var
	@echo "Installing dependencies into $(VENV) (log: var/pip.log)..."
	@$(BIN)/python -m pip install --require-hashes --no-deps -r requirements-dev.txt > var/pip.log 2>&1 \
		|| { cat var/pip.log; exit 1; }
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py improvement_demo

# Links in the notices printed to the console point at this server.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (form: /submit/, tracking: /track/, staff: /admin/, SLA: /dashboard/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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
